import { Ctx, Field, FieldResolver, Float, ObjectType, Resolver, Root } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import type { Enrichment } from '../intel/enrichment.service.js';
import { fixfirstScore, priorityOf, urgencyOf } from './scoring.js';
import type { Severity } from './finding.entity.js';
import { FindingType } from './finding.type.js';

/** A D3FEND defensive technique that counters the finding's attack technique. */
@ObjectType('D3fendCountermeasure')
export class D3fendCountermeasureType {
  @Field(() => String, { description: 'e.g. D3-MFA' })
  id!: string;

  @Field(() => String)
  name!: string;
}

/** A control of a compliance framework, with its official name (e.g. BC.11 Secure websites). */
@ObjectType('FrameworkControl')
export class FrameworkControlType {
  @Field(() => String, { description: 'e.g. BC.11 (CCCS baseline) or SC (ITSG-33 family)' })
  id!: string;

  @Field(() => String)
  name!: string;
}

/**
 * Threat-intelligence and framework fields of Finding, resolved when read from the store and the
 * authored check mapping, batched per request: a feed update shows on the next read, no rescan.
 */
@Resolver(() => FindingType)
export class FindingEnrichmentResolver {
  private of(f: FindingType, ctx: FindingsContext): Promise<Enrichment> {
    return ctx.enrichment.of({ id: f.id, checkId: f.checkId, cweId: f.cweId, cveIds: f.cveIds });
  }

  @FieldResolver(() => Boolean, { description: 'One of its CVEs is in CISA KEV (known exploited).' })
  async kevFlagged(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<boolean> {
    return (await this.of(f, ctx)).kevFlagged;
  }

  @FieldResolver(() => Boolean, { description: 'CISA KEV records use of one of its CVEs in ransomware campaigns.' })
  async knownRansomwareUse(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<boolean> {
    return (await this.of(f, ctx)).knownRansomwareUse;
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Highest FIRST EPSS probability (0-1) among its CVEs.' })
  async epssScore(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<number | null> {
    return (await this.of(f, ctx)).epssScore;
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Percentile of that EPSS score (0-1).' })
  async epssPercentile(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<number | null> {
    return (await this.of(f, ctx)).epssPercentile;
  }

  @FieldResolver(() => String, { nullable: true, description: "The CWE weakness's name, from the loaded CWE list." })
  async cweName(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).cweName;
  }

  @FieldResolver(() => String, { nullable: true, description: 'MITRE ATT&CK technique the weakness enables, e.g. T1190.' })
  async mitreTechniqueId(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).mitreTechniqueId;
  }

  @FieldResolver(() => String, { nullable: true })
  async mitreTechniqueName(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).mitreTechniqueName;
  }

  @FieldResolver(() => String, { nullable: true, description: 'ATT&CK tactic of that technique, e.g. TA0001.' })
  async mitreTacticId(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).mitreTacticId;
  }

  @FieldResolver(() => String, { nullable: true })
  async mitreTacticName(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).mitreTacticName;
  }

  @FieldResolver(() => [D3fendCountermeasureType], { description: 'MITRE D3FEND countermeasures.' })
  async d3fendCountermeasures(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<D3fendCountermeasureType[]> {
    return (await this.of(f, ctx)).d3fendCountermeasures.map((c) => Object.assign(new D3fendCountermeasureType(), c));
  }

  @FieldResolver(() => String, { nullable: true, description: 'CIS Controls v8 safeguard, e.g. 4.1.' })
  async cisControlId(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).cisControlId;
  }

  @FieldResolver(() => String, { nullable: true, description: 'ISO/IEC 27001:2022 Annex A control, e.g. A.8.9.' })
  async iso27001ControlId(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).iso27001ControlId;
  }

  @FieldResolver(() => String, { nullable: true })
  async iso27001ControlName(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string | null> {
    return (await this.of(f, ctx)).iso27001ControlName;
  }

  @FieldResolver(() => [FrameworkControlType], {
    description: "Canadian Centre for Cyber Security baseline controls for small and medium organizations (BC.1-BC.13) the finding's fix belongs to.",
  })
  async cccsControls(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<FrameworkControlType[]> {
    return (await this.of(f, ctx)).cccsControls.map((c) => Object.assign(new FrameworkControlType(), c));
  }

  @FieldResolver(() => [FrameworkControlType], { description: 'ITSG-33 (Annex 3A) security control families the finding concerns, e.g. SC.' })
  async itsg33Families(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<FrameworkControlType[]> {
    return (await this.of(f, ctx)).itsg33Families.map((c) => Object.assign(new FrameworkControlType(), c));
  }

  private async score(f: FindingType, ctx: FindingsContext): Promise<number> {
    const e = await this.of(f, ctx);
    return fixfirstScore({ severity: f.severity as Severity, confidence: f.confidence, checkId: f.checkId, kevFlagged: e.kevFlagged, knownRansomwareUse: e.knownRansomwareUse, epssScore: e.epssScore });
  }

  @FieldResolver(() => Float, {
    description: 'How urgently to fix it, 0-10: severity, KEV, ransomware use, EPSS, direct exposure and confidence (see scoring.ts and the README).',
  })
  fixfirstScore(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<number> {
    return this.score(f, ctx);
  }

  @FieldResolver(() => String, { description: 'critical (score ≥ 9), high (≥ 7), medium (≥ 4), low (≥ 1) or info.' })
  async fixfirstPriority(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string> {
    return priorityOf(await this.score(f, ctx));
  }

  @FieldResolver(() => String, { description: 'immediate (48 h), urgent (7 days), soon (30 days), planned (90 days) or none.' })
  async fixUrgency(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<string> {
    return urgencyOf(priorityOf(await this.score(f, ctx)));
  }
}
