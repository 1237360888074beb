import { Migration } from '@mikro-orm/migrations';

export class Migration20261122075640 extends Migration {

  override name = 'Migration20261122075640';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "findings";`);
    this.addSql(`create table "findings"."finding" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "scan_id" uuid not null, "check_id" varchar(100) not null, "severity" text not null, "title" varchar(300) not null, "description" text not null, "evidence" jsonb not null, "remediation" text not null, "cwe_id" varchar(20) null, "target" varchar(2100) not null, "fingerprint" varchar(64) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "finding_account_created_idx" on "findings"."finding" ("account_id", "created_at", "id");`);
    this.addSql(`create index "finding_client_created_idx" on "findings"."finding" ("client_id", "created_at", "id");`);
    this.addSql(`create index "finding_scan_created_idx" on "findings"."finding" ("scan_id", "created_at", "id");`);
    this.addSql(`alter table "findings"."finding" add constraint "finding_scan_fingerprint_unique" unique ("scan_id", "fingerprint");`);
    this.addSql(`alter table "findings"."finding" add constraint "finding_severity_check" check ("severity" in ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'));`);
  }

}
