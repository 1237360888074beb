import { Migration } from '@mikro-orm/migrations';

export class Migration20261122082014 extends Migration {

  override name = 'Migration20261122082014';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "scans";`);
    this.addSql(`create table "scans"."scan" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "target" varchar(2100) not null, "target_type" text not null, "profile" text not null, "mode" text not null, "status" text not null, "progress" smallint not null, "revision" int not null, "error" text null, "triggered_by" varchar(32) not null, "created_by" uuid not null, "created_at" timestamptz not null, "started_at" timestamptz null, "completed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "scan_account_created_idx" on "scans"."scan" ("account_id", "created_at", "id");`);
    this.addSql(`create index "scan_client_created_idx" on "scans"."scan" ("client_id", "created_at", "id");`);
    this.addSql(`alter table "scans"."scan" add constraint "scan_target_type_check" check ("target_type" in ('IP', 'DOMAIN', 'URL', 'CIDR'));`);
    this.addSql(`alter table "scans"."scan" add constraint "scan_profile_check" check ("profile" in ('LIGHT', 'STANDARD', 'AGGRESSIVE'));`);
    this.addSql(`alter table "scans"."scan" add constraint "scan_mode_check" check ("mode" in ('PASSIVE', 'ACTIVE'));`);
    this.addSql(`alter table "scans"."scan" add constraint "scan_status_check" check ("status" in ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'));`);

    this.addSql(`create table "scans"."scan_event" ("id" bigserial primary key, "scan_id" uuid not null, "revision" int not null, "status" text not null, "progress" smallint not null, "error" text null, "started_at" timestamptz null, "completed_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "scans"."scan_event" add constraint "scan_event_scan_revision_unique" unique ("scan_id", "revision");`);
    this.addSql(`alter table "scans"."scan_event" add constraint "scan_event_status_check" check ("status" in ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'));`);
  }

}
