import { z } from 'zod';
import { commonEnv } from '../../../lib/config/common.js';
import { parseEnv, port } from '../../../lib/config/env.js';
import { createLogger } from '../../../lib/logger.js';
import { bootSubgraph, openModule } from '../../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { clientsDb, ClientService } from '../../clients/src/module.js';
import { BillingContext } from './context.js';
import type { BillingDeps, StripeBilling } from './deps.js';
import { billingDb } from './module.js';
import { billingEnvFragment, catalogFromEnv } from './env.js';
import { buildBillingSchema } from './schema.js';
import { createStripeClient } from './stripe/stripe-client.js';
import { stripeEnv, stripeSettingsFromEnv } from './stripe/stripe-env.js';
import { StripeWebhookService } from './webhook/stripe-webhook.service.js';
import { mountStripeWebhook } from './webhook/stripe-webhook.route.js';

/** Configuration of the billing subgraph (Stripe settings optional: without them billing answers 503). */
export const billingEnv = commonEnv.merge(billingEnvFragment).extend({ BILLING_PORT: port(4004) }).and(stripeEnv);

export async function startBillingSubgraph(env: z.infer<typeof billingEnv> = parseEnv(billingEnv)): Promise<RunningServer> {
  const log = createLogger('billing', env.LOG_LEVEL);
  const orm = await openModule(billingDb, env.DATABASE_URL, { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log });
  // Checkout checks the client through the clients module's exported service.
  const clientsOrm = await openModule(clientsDb, env.DATABASE_URL, { migrate: false, poolMax: 2, log });
  const settings = stripeSettingsFromEnv(env);
  const stripe: StripeBilling | null = settings ? { settings, client: createStripeClient(settings) } : null;
  if (!stripe) log.info('billing: Stripe not configured (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET); checkout and webhook answer 503');
  const deps: BillingDeps = {
    catalog: catalogFromEnv(env),
    defaultTier: env.DEFAULT_CLIENT_TIER,
    stripe,
    clients: (tenant, id) => new ClientService(clientsOrm.em.fork(), tenant).find(id),
    log,
  };
  const webhook = stripe ? new StripeWebhookService(orm, stripe, env.DEFAULT_CLIENT_TIER, log) : null;
  try {
    return await bootSubgraph({
      name: 'billing',
      orm,
      schema: await buildBillingSchema(),
      host: env.HOST,
      port: env.BILLING_PORT,
      secret: env.INTERNAL_TOKEN_SECRET,
      log,
      context: (identity, em) => new BillingContext(identity, em, deps),
      routes: (app) => mountStripeWebhook(app, stripe, webhook, log),
      onClose: () => clientsOrm.close(),
    });
  } catch (err) {
    await clientsOrm.close();
    throw err;
  }
}
