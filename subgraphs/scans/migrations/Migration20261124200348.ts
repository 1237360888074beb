import { Migration } from '@mikro-orm/migrations';

export class Migration20261124200348 extends Migration {

  override name = 'Migration20261124200348';

  override up(): void | Promise<void> {
    this.addSql(`create table "scans"."scan_authorisation" ("id" uuid not null, "scan_id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "target" varchar(2100) not null, "target_type" varchar(16) not null, "authorised" boolean not null, "authorised_by" varchar(200) null, "statement" text not null, "source" text not null, "source_id" varchar(64) null, "created_by" varchar(64) not null, "created_at" timestamptz not null, "source_ip" varchar(64) null, "user_agent" varchar(512) null, "evidence_kind" text not null, "domain_id" uuid null, "domain" varchar(253) null, "verification_method" text null, "verified_at" timestamptz null, "attestation_id" uuid null, "attested_target" varchar(64) null, primary key ("id"));`);
    this.addSql(`create index "scan_authorisation_client_idx" on "scans"."scan_authorisation" ("client_id", "created_at");`);
    this.addSql(`alter table "scans"."scan_authorisation" add constraint "scan_authorisation_scan_unique" unique ("scan_id");`);

    this.addSql(`create table "scans"."target_attestation" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "target" varchar(64) not null, "statement" text not null, "created_by" varchar(64) not null, "created_at" timestamptz not null, "source_ip" varchar(64) null, "user_agent" varchar(512) null, "revoked_at" timestamptz null, "revoked_by" varchar(64) null, primary key ("id"));`);
    this.addSql(`create index "target_attestation_account_created_idx" on "scans"."target_attestation" ("account_id", "created_at", "id");`);
    this.addSql(`create index "target_attestation_client_idx" on "scans"."target_attestation" ("client_id");`);

    this.addSql(`create table "scans"."target_domain" ("id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "domain" varchar(253) not null, "token" varchar(64) not null, "created_by" varchar(64) not null, "created_at" timestamptz not null, "method" text null, "verified_at" timestamptz null, "expires_at" timestamptz null, "last_checked_at" timestamptz null, "last_error" text null, primary key ("id"));`);
    this.addSql(`create index "target_domain_account_created_idx" on "scans"."target_domain" ("account_id", "created_at", "id");`);
    this.addSql(`alter table "scans"."target_domain" add constraint "target_domain_client_domain_unique" unique ("client_id", "domain");`);

    this.addSql(`alter table "scans"."scan_authorisation" add constraint "scan_authorisation_source_check" check ("source" in ('REQUEST', 'SCHEDULE'));`);
    this.addSql(`alter table "scans"."scan_authorisation" add constraint "scan_authorisation_evidence_kind_check" check ("evidence_kind" in ('DOMAIN', 'ATTESTATION'));`);
    this.addSql(`alter table "scans"."scan_authorisation" add constraint "scan_authorisation_verification_method_check" check ("verification_method" in ('DNS', 'HTTP'));`);
    this.addSql(`create or replace function "scans"."scan_authorisation_scan_authorisation_append_only_fn"() returns trigger as \$\$ begin raise exception 'scan_authorisation is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "scan_authorisation_append_only" BEFORE UPDATE OR DELETE on "scans"."scan_authorisation" for each ROW execute function "scans"."scan_authorisation_scan_authorisation_append_only_fn"();`);
    // Not declared on the entity: schema introspection does not see TRUNCATE triggers.
    this.addSql(`create or replace function "scans"."scan_authorisation_no_truncate_fn"() returns trigger as \$\$ begin raise exception 'scan_authorisation is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "scan_authorisation_no_truncate" BEFORE TRUNCATE on "scans"."scan_authorisation" for each STATEMENT execute function "scans"."scan_authorisation_no_truncate_fn"();`);

    this.addSql(`alter table "scans"."target_domain" add constraint "target_domain_method_check" check ("method" in ('DNS', 'HTTP'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "scan_authorisation_append_only" on "scans"."scan_authorisation";`);
    this.addSql(`drop function if exists "scans"."scan_authorisation_scan_authorisation_append_only_fn"();`);
    this.addSql(`drop trigger if exists "scan_authorisation_no_truncate" on "scans"."scan_authorisation";`);
    this.addSql(`drop function if exists "scans"."scan_authorisation_no_truncate_fn"();`);
    this.addSql(`drop table if exists "scans"."scan_authorisation" cascade;`);
    this.addSql(`drop table if exists "scans"."target_attestation" cascade;`);
    this.addSql(`drop table if exists "scans"."target_domain" cascade;`);
  }

}
