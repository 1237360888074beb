import { Migration } from '@mikro-orm/migrations';

export class Migration20261124200415 extends Migration {

  override name = 'Migration20261124200415';

  override up(): void | Promise<void> {
    this.addSql(`create table "clients"."client_token" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "jti_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, "created_by_credential_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "client_token_client_idx" on "clients"."client_token" ("client_id");`);
    this.addSql(`alter table "clients"."client_token" add constraint "client_token_jti_hash_unique" unique ("jti_hash");`);

    this.addSql(`alter table "clients"."api_key" add "last_used_at" timestamptz null, add "created_by_credential_id" uuid null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "clients"."client_token" cascade;`);

    this.addSql(`alter table "clients"."api_key" drop column "last_used_at", drop column "created_by_credential_id";`);
  }

}
