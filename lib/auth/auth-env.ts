import { z } from 'zod';

/**
 * Client tokens (JWTs issued by registerClient): the clients subgraph signs them and the gateway
 * verifies them, so both need the same secret. It outlives restarts (tokens last a year), so
 * `npm start` keeps a generated one under DATA_DIR; services started alone must be given it.
 */
export const clientTokenEnv = z.object({
  CLIENT_TOKEN_SECRET: z.string().min(32, { message: 'CLIENT_TOKEN_SECRET must be at least 32 characters' }),
  /** Lifetime of a newly issued client token. */
  CLIENT_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
});

/**
 * How many proxies in front of the gateway append to X-Forwarded-For. `false` (0): the socket
 * address is the caller and the header is ignored, since anyone can send it; `true` means 1.
 */
export const trustProxyEnv = z.object({
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'TRUST_PROXY must be true, false or a number of proxy hops')
    .default('false')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
});
