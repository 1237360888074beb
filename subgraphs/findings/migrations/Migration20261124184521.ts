import { Migration } from '@mikro-orm/migrations';

export class Migration20261124184521 extends Migration {

  override name = 'Migration20261124184521';

  override up(): void | Promise<void> {
    this.addSql(`create table "findings"."finding_state" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "fingerprint" varchar(64) not null, "check_id" varchar(100) not null, "host" varchar(300) not null, "status" text not null, "first_seen" timestamptz not null, "last_seen" timestamptz not null, "fixed_at" timestamptz null, "regressed" boolean not null default false, "occurrences" int not null default 1, "last_scan_id" uuid not null, "accepted_until" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "finding_state_client_host_idx" on "findings"."finding_state" ("client_id", "host", "status");`);
    this.addSql(`alter table "findings"."finding_state" add constraint "finding_state_client_fingerprint_unique" unique ("client_id", "fingerprint");`);

    this.addSql(`alter table "findings"."finding" add "host" varchar(300) null;`);

    this.addSql(`alter table "findings"."finding_state" add constraint "finding_state_status_check" check ("status" in ('open', 'in_progress', 'fixed', 'accepted_risk'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "findings"."finding_state" cascade;`);

    this.addSql(`alter table "findings"."finding" drop column "host";`);
  }

}
