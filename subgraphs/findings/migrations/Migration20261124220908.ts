import { Migration } from '@mikro-orm/migrations';

export class Migration20261124220908 extends Migration {

  override name = 'Migration20261124220908';

  override up(): void | Promise<void> {
    this.addSql(`create table "findings"."alert_attempt" ("id" bigserial primary key, "delivery_id" uuid not null, "attempt" int not null, "at" timestamptz not null, "ok" boolean not null, "response_code" int null, "error" text null, "duration_ms" int not null);`);
    this.addSql(`create index "alert_attempt_delivery_idx" on "findings"."alert_attempt" ("delivery_id", "id");`);

    this.addSql(`create table "findings"."alert_channel" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "kind" text not null, "url_sealed" text null, "destination_hint" varchar(300) not null, "emails" text[] not null default '{}', "secret_sealed" text null, "kev_alerts" boolean not null default true, "critical_alerts" boolean not null default true, "high_alerts" boolean not null default false, "new_finding" boolean not null default false, "regression" boolean not null default false, "scan_failed" boolean not null default false, "kev_after_feed_update" boolean not null default true, "enabled" boolean not null default true, "created_by" varchar(64) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "alert_channel_account_idx" on "findings"."alert_channel" ("account_id", "created_at");`);
    this.addSql(`alter table "findings"."alert_channel" add constraint "alert_channel_client_kind_unique" unique ("client_id", "kind");`);

    this.addSql(`create table "findings"."alert_cursor" ("name" varchar(64) not null, "last_id" bigint not null default '0', "updated_at" timestamptz not null, primary key ("name"));`);

    // KEV alerts start from now: changes recorded before alerts existed are not news any more.
    this.addSql(`insert into "findings"."alert_cursor" ("name", "last_id", "updated_at") select 'kev_added', coalesce(max("id"), 0), now() from "findings"."finding_change";`);

    this.addSql(`create table "findings"."alert_delivery" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "channel_id" uuid not null, "event" varchar(32) not null, "event_key" varchar(200) not null, "scan_id" uuid null, "summary" varchar(300) not null, "message" jsonb not null, "status" text not null default 'PENDING', "attempts" int not null default 0, "last_error" text null, "last_response_code" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "alert_delivery_channel_idx" on "findings"."alert_delivery" ("channel_id", "created_at", "id");`);
    this.addSql(`create index "alert_delivery_pending_idx" on "findings"."alert_delivery" ("status", "updated_at");`);
    this.addSql(`alter table "findings"."alert_delivery" add constraint "alert_delivery_channel_event_unique" unique ("channel_id", "event_key");`);

    this.addSql(`alter table "findings"."alert_channel" add constraint "alert_channel_kind_check" check ("kind" in ('SLACK', 'TEAMS', 'EMAIL', 'WEBHOOK'));`);

    this.addSql(`alter table "findings"."alert_delivery" add constraint "alert_delivery_status_check" check ("status" in ('PENDING', 'DELIVERED', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "findings"."alert_attempt" cascade;`);
    this.addSql(`drop table if exists "findings"."alert_channel" cascade;`);
    this.addSql(`drop table if exists "findings"."alert_cursor" cascade;`);
    this.addSql(`drop table if exists "findings"."alert_delivery" cascade;`);
  }

}
