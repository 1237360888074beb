import type { MikroORM } from '@mikro-orm/postgresql';
import { credentialFromHeaders } from '../../lib/auth/api-key.js';
import { IdentitySigner, type Identity } from '../../lib/auth/identity.js';
import { CredentialService } from '../../subgraphs/clients/src/module.js';

/**
 * Authenticates each request once at the edge (through the clients module's exported service)
 * and turns the result into the signed identity subgraphs trust.
 */
export class Authenticator {
  private readonly signer: IdentitySigner;

  constructor(
    private readonly clientsOrm: MikroORM,
    secret: string,
    private readonly keyPrefix: string,
    ttlSeconds: number,
  ) {
    this.signer = new IdentitySigner(secret, ttlSeconds);
  }

  /** null when no credential is presented or it is unknown, revoked or expired. */
  async authenticate(get: (name: string) => string | null | undefined): Promise<Identity | null> {
    const presented = credentialFromHeaders(get);
    if (!presented) return null;
    return new CredentialService(this.clientsOrm.em.fork(), this.keyPrefix).authenticate(presented);
  }

  sign(identity: Identity): Promise<string> {
    return this.signer.sign(identity);
  }
}
