import { Migration } from '@mikro-orm/migrations';

export class Migration20261124220945 extends Migration {

  override name = 'Migration20261124220945';

  override up(): void | Promise<void> {
    this.addSql(`create table "billing"."plan_change" ("id" uuid not null, "client_id" uuid not null, "account_id" uuid not null, "from_tier" varchar(32) not null, "to_tier" varchar(32) not null, "reason" varchar(64) not null, "stripe_event_id" varchar(255) null, "stripe_subscription_id" varchar(255) null, "period_start" timestamptz null, "period_end" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "plan_change_client_idx" on "billing"."plan_change" ("client_id", "created_at");`);
    this.addSql(`alter table "billing"."plan_change" add constraint "plan_change_event_uniq" unique ("stripe_event_id");`);

    this.addSql(`create table "billing"."stripe_event" ("event_id" varchar(255) not null, "type" varchar(100) not null, "event_created" timestamptz not null, "client_id" uuid null, "outcome" varchar(32) not null, "processed_at" timestamptz not null, primary key ("event_id"));`);

    this.addSql(`alter table "billing"."client_plan" add "stripe_customer_id" varchar(255) null, add "stripe_subscription_id" varchar(255) null, add "subscription_status" varchar(32) null, add "period_start" timestamptz null, add "period_end" timestamptz null, add "stripe_event_at" timestamptz null;`);
    this.addSql(`create index "client_plan_subscription_idx" on "billing"."client_plan" ("stripe_subscription_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "billing"."plan_change" cascade;`);
    this.addSql(`drop table if exists "billing"."stripe_event" cascade;`);

    this.addSql(`drop index "billing"."client_plan_subscription_idx";`);
    this.addSql(`alter table "billing"."client_plan" drop column "stripe_customer_id", drop column "stripe_subscription_id", drop column "subscription_status", drop column "period_start", drop column "period_end", drop column "stripe_event_at";`);
  }

}
