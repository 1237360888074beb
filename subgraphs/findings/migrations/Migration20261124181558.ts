import { Migration } from '@mikro-orm/migrations';

export class Migration20261124181558 extends Migration {

  override name = 'Migration20261124181558';

  override up(): void | Promise<void> {
    this.addSql(`create table "findings"."intel_attack_d3fend" ("attack_id" varchar(16) not null, "d3fend_id" varchar(32) not null, primary key ("attack_id", "d3fend_id"));`);

    this.addSql(`create table "findings"."intel_attack_tactic" ("id" varchar(16) not null, "shortname" varchar(64) not null, "name" text not null, primary key ("id"));`);

    this.addSql(`create table "findings"."intel_attack_technique" ("id" varchar(16) not null, "name" text not null, "tactics" text[] not null default '{}', "is_subtechnique" boolean not null, "parent_id" varchar(16) null, primary key ("id"));`);

    this.addSql(`create table "findings"."intel_cwe" ("cwe_id" varchar(16) not null, "name" text not null, "abstraction" varchar(32) not null, "status" varchar(32) not null, "description" text not null, "parents" text[] not null default '{}', primary key ("cwe_id"));`);

    this.addSql(`create table "findings"."intel_d3fend_technique" ("id" varchar(32) not null, "name" text not null, "tactic" varchar(64) not null, "definition" text not null, primary key ("id"));`);

    this.addSql(`create table "findings"."intel_epss" ("cve_id" varchar(32) not null, "epss" double precision not null, "percentile" double precision not null, primary key ("cve_id"));`);

    this.addSql(`create table "findings"."intel_feed" ("name" varchar(32) not null, "version" varchar(100) not null, "data_date" varchar(32) null, "source" text not null, "sha256" varchar(64) not null, "record_count" int not null, "loaded_at" timestamptz not null, primary key ("name"));`);

    this.addSql(`create table "findings"."intel_kev" ("cve_id" varchar(32) not null, "vendor_project" text not null, "product" text not null, "vulnerability_name" text not null, "date_added" varchar(10) not null, "due_date" varchar(10) null, "ransomware" boolean not null, "short_description" text not null, "required_action" text not null, "cwes" text[] not null default '{}', primary key ("cve_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "findings"."intel_attack_d3fend" cascade;`);
    this.addSql(`drop table if exists "findings"."intel_attack_tactic" cascade;`);
    this.addSql(`drop table if exists "findings"."intel_attack_technique" cascade;`);
    this.addSql(`drop table if exists "findings"."intel_cwe" cascade;`);
    this.addSql(`drop table if exists "findings"."intel_d3fend_technique" cascade;`);
    this.addSql(`drop table if exists "findings"."intel_epss" cascade;`);
    this.addSql(`drop table if exists "findings"."intel_feed" cascade;`);
    this.addSql(`drop table if exists "findings"."intel_kev" cascade;`);
  }

}
