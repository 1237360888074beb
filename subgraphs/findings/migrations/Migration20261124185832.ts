import { Migration } from '@mikro-orm/migrations';

export class Migration20261124185832 extends Migration {

  override name = 'Migration20261124185832';

  override up(): void | Promise<void> {
    this.addSql(`alter table "findings"."finding" add "score" double precision not null default 0;`);
    this.addSql(`create index "finding_account_score_idx" on "findings"."finding" ("account_id", "score", "id");`);
    this.addSql(`create index "finding_client_score_idx" on "findings"."finding" ("client_id", "score", "id");`);
    // Existing rows get the score of the formula without feeds (scoring.ts); the next KEV or EPSS
    // sync rescores those about CVEs.
    this.addSql(`update "findings"."finding" set "score" = round((least(10, (
        case "severity" when 'CRITICAL' then 9 when 'HIGH' then 7 when 'MEDIUM' then 5 when 'LOW' then 3 else 0.5 end
        + case when "severity" <> 'INFO' and "check_id" ~ '^(network|exposure|secrets)\\.' then 1 else 0 end
      ) * case "confidence" when 'CONFIRMED' then 1 when 'TENTATIVE' then 0.8 else 0.95 end))::numeric, 1);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "findings"."finding_account_score_idx";`);
    this.addSql(`drop index "findings"."finding_client_score_idx";`);
    this.addSql(`alter table "findings"."finding" drop column "score";`);
  }

}
