import { parse } from 'graphql';
import { composeServices } from '@theguild/federation-composition';
import { buildBillingSchema } from '../subgraphs/billing/src/schema.js';
import { buildClientsSchema } from '../subgraphs/clients/src/schema.js';
import { buildFindingsSchema } from '../subgraphs/findings/src/schema.js';
import { buildScansSchema } from '../subgraphs/scans/src/schema.js';
import type { SubgraphName } from './services.js';

/** Default subgraph URLs written into the supergraph; the gateway overrides them from env. */
export const DEFAULT_URLS: Record<SubgraphName, string> = {
  scans: 'http://127.0.0.1:4001/graphql',
  findings: 'http://127.0.0.1:4002/graphql',
  clients: 'http://127.0.0.1:4003/graphql',
  billing: 'http://127.0.0.1:4004/graphql',
};

/** Every generated schema artifact, keyed by its path under schema/. */
export async function buildSchemaArtifacts(): Promise<Record<string, string>> {
  const sdl: Record<SubgraphName, string> = {
    scans: (await buildScansSchema()).sdl,
    findings: (await buildFindingsSchema()).sdl,
    clients: (await buildClientsSchema()).sdl,
    billing: (await buildBillingSchema()).sdl,
  };
  const composed = composeServices(
    (Object.keys(sdl) as SubgraphName[]).map((name) => ({ name, typeDefs: parse(sdl[name]), url: DEFAULT_URLS[name] })),
  );
  if (composed.errors) {
    throw new Error(`Composition failed:\n${composed.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(sdl)) files[`${name}.graphql`] = text;
  files['supergraph.graphql'] = composed.supergraphSdl.trim() + '\n';
  files['public.graphql'] = composed.publicSdl.trim() + '\n';
  return files;
}
