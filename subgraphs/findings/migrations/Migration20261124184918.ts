import { Migration } from '@mikro-orm/migrations';

export class Migration20261124184918 extends Migration {

  override name = 'Migration20261124184918';

  override up(): void | Promise<void> {
    this.addSql(`create table "findings"."finding_history" ("id" bigserial primary key, "state_id" uuid not null, "account_id" uuid not null, "client_id" uuid not null, "at" timestamptz not null, "actor_kind" varchar(16) not null, "actor" varchar(64) not null, "updated_by" varchar(200) null, "from_status" varchar(16) null, "to_status" varchar(16) not null, "note" text null, "scan_id" uuid null);`);
    this.addSql(`create index "finding_history_state_idx" on "findings"."finding_history" ("state_id", "id");`);

    this.addSql(`create or replace function "findings"."finding_history_finding_history_append_only_fn"() returns trigger as \$\$ begin raise exception 'finding_history is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "finding_history_append_only" BEFORE UPDATE OR DELETE on "findings"."finding_history" for each ROW execute function "findings"."finding_history_finding_history_append_only_fn"();`);
    // Not declared on the entity: schema introspection does not see TRUNCATE triggers.
    this.addSql(`create or replace function "findings"."finding_history_finding_history_no_truncate_fn"() returns trigger as \$\$ begin raise exception 'finding_history is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "finding_history_no_truncate" BEFORE TRUNCATE on "findings"."finding_history" for each STATEMENT execute function "findings"."finding_history_finding_history_no_truncate_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "finding_history_append_only" on "findings"."finding_history";`);
    this.addSql(`drop function if exists "findings"."finding_history_finding_history_append_only_fn"();`);
    this.addSql(`drop trigger if exists "finding_history_no_truncate" on "findings"."finding_history";`);
    this.addSql(`drop function if exists "findings"."finding_history_finding_history_no_truncate_fn"();`);
    this.addSql(`drop table if exists "findings"."finding_history" cascade;`);
  }

}
