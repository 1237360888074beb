import { Migration } from '@mikro-orm/migrations';

export class Migration20261124194608 extends Migration {

  override name = 'Migration20261124194608';

  override up(): void | Promise<void> {
    this.addSql(`create table "findings"."finding_change" ("id" bigserial primary key, "account_id" uuid not null, "client_id" uuid not null, "finding_id" uuid not null, "fingerprint" varchar(64) not null, "feed" varchar(16) not null, "kev_before" boolean not null, "kev_after" boolean not null, "epss_before" double precision null, "epss_after" double precision null, "score_before" double precision not null, "score_after" double precision not null, "at" timestamptz not null);`);
    this.addSql(`create index "finding_change_account_idx" on "findings"."finding_change" ("account_id", "id");`);
    this.addSql(`create index "finding_change_at_idx" on "findings"."finding_change" ("at");`);

    this.addSql(`alter table "findings"."finding" add "kev_flagged" boolean not null default false, add "epss" double precision null;`);
    // Existing findings start from what the loaded feeds say today, so the next feed update
    // reports only what it changes (not every KEV finding as newly added).
    this.addSql(`update "findings"."finding" f set "kev_flagged" = exists (select 1 from "findings"."intel_kev" k where k.cve_id = any(f.cve_ids)), "epss" = (select max(e.epss) from "findings"."intel_epss" e where e.cve_id = any(f.cve_ids)) where f.cve_ids <> '{}';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "findings"."finding_change" cascade;`);

    this.addSql(`alter table "findings"."finding" drop column "kev_flagged", drop column "epss";`);
  }

}
