import type { ModuleDbSpec } from '../../../lib/db/orm.js';
import { AccountEntity } from './account/account.entity.js';
import { ClientEntity } from './client/client.entity.js';
import { ApiKeyEntity } from './credential/api-key.entity.js';
import { ClientTokenEntity } from './credential/client-token.entity.js';
import { migrations } from '../migrations/index.js';

/** The clients module's slice of the database. */
export const clientsDb: ModuleDbSpec = {
  schema: 'clients',
  entities: [AccountEntity, ClientEntity, ApiKeyEntity, ClientTokenEntity],
  migrations,
};

export { CredentialService } from './credential/credential.service.js';
export { ClientService, DEFAULT_CLIENT_NAME } from './client/client.service.js';
