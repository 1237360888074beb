import { Migration } from '@mikro-orm/migrations';

export class Migration20261122075637 extends Migration {

  override name = 'Migration20261122075637';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "clients";`);
    this.addSql(`create table "clients"."account" ("id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, primary key ("id"));`);

    this.addSql(`create table "clients"."api_key" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid null, "name" varchar(200) not null, "key_hash" varchar(64) not null, "preview" varchar(16) not null, "scopes" text[] not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "api_key_account_idx" on "clients"."api_key" ("account_id");`);
    this.addSql(`alter table "clients"."api_key" add constraint "api_key_hash_unique" unique ("key_hash");`);

    this.addSql(`create table "clients"."client" ("id" uuid not null, "account_id" uuid not null, "name" varchar(200) not null, "name_key" varchar(200) not null, "email" varchar(320) null, "company" varchar(200) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "client_account_created_idx" on "clients"."client" ("account_id", "created_at", "id");`);
    this.addSql(`alter table "clients"."client" add constraint "client_account_name_unique" unique ("account_id", "name_key");`);
  }

}
