import { Migration } from '@mikro-orm/migrations';

export class Migration20261124220704 extends Migration {

  override name = 'Migration20261124220704';

  override up(): void | Promise<void> {
    this.addSql(`create table "scans"."schedule" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "target" varchar(2100) not null, "target_type" text not null, "profile" text not null, "mode" text not null, "frequency" text not null, "cron" varchar(120) null, "time_zone" varchar(64) not null, "time_of_day" varchar(5) not null, "weekday" smallint not null, "day_of_month" smallint not null, "paused" boolean not null default false, "next_run_at" timestamptz not null, "last_run_at" timestamptz null, "created_by" varchar(64) not null, "authorised_by" varchar(200) null, "authorisation_statement" text null, "authorised_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "schedule_account_created_idx" on "scans"."schedule" ("account_id", "created_at", "id");`);
    this.addSql(`create index "schedule_client_created_idx" on "scans"."schedule" ("client_id", "created_at", "id");`);
    this.addSql(`create index "schedule_next_run_idx" on "scans"."schedule" ("next_run_at");`);

    this.addSql(`create table "scans"."scheduler_instance" ("id" varchar(120) not null, "started_at" timestamptz not null, "last_tick_at" timestamptz not null, "ticks" bigint not null, primary key ("id"));`);

    this.addSql(`create table "scans"."schedule_run" ("id" uuid not null, "schedule_id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "slot" timestamptz not null, "outcome" text not null, "scan_id" uuid null, "reason" varchar(64) null, "detail" text null, "quota" jsonb null, "claimed_by" varchar(120) not null, "claimed_at" timestamptz not null, "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "schedule_run_outcome_claimed_idx" on "scans"."schedule_run" ("outcome", "claimed_at");`);
    this.addSql(`alter table "scans"."schedule_run" add constraint "schedule_run_slot_unique" unique ("schedule_id", "slot");`);

    this.addSql(`alter table "scans"."schedule" add constraint "schedule_target_type_check" check ("target_type" in ('IP', 'DOMAIN', 'URL', 'CIDR'));`);
    this.addSql(`alter table "scans"."schedule" add constraint "schedule_profile_check" check ("profile" in ('LIGHT', 'STANDARD', 'AGGRESSIVE'));`);
    this.addSql(`alter table "scans"."schedule" add constraint "schedule_mode_check" check ("mode" in ('PASSIVE', 'ACTIVE'));`);
    this.addSql(`alter table "scans"."schedule" add constraint "schedule_frequency_check" check ("frequency" in ('DAILY', 'WEEKLY', 'MONTHLY', 'CRON'));`);

    this.addSql(`alter table "scans"."schedule_run" add constraint "schedule_run_outcome_check" check ("outcome" in ('PENDING', 'STARTED', 'SKIPPED', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "scans"."schedule" cascade;`);
    this.addSql(`drop table if exists "scans"."scheduler_instance" cascade;`);
    this.addSql(`drop table if exists "scans"."schedule_run" cascade;`);
  }

}
