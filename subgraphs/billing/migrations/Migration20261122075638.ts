import { Migration } from '@mikro-orm/migrations';

export class Migration20261122075638 extends Migration {

  override name = 'Migration20261122075638';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "billing";`);
    this.addSql(`create table "billing"."client_plan" ("client_id" uuid not null, "account_id" uuid not null, "tier" varchar(32) not null, "subscribed_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("client_id"));`);
    this.addSql(`create index "client_plan_account_idx" on "billing"."client_plan" ("account_id");`);

    this.addSql(`create table "billing"."usage" ("client_id" uuid not null, "period_start" timestamptz not null, "used" int not null, primary key ("client_id", "period_start"));`);
  }

}
