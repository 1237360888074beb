import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ScansContext } from '../context.js';
import { ScanType } from '../scan/scan.type.js';
import { AddDomainInput, AttestTargetInput } from './ownership.input.js';
import { toScanAuthorisationType, toTargetAttestationType, toTargetDomainType } from './ownership.mapper.js';
import {
  DomainVerificationResultType,
  ScanAuthorisationType,
  TargetAttestationType,
  TargetDomainType,
  VerificationMethodEnum,
} from './ownership.type.js';

/** Domains and attestations: what a client may scan actively. */
@Resolver()
export class OwnershipResolver {
  @Mutation(() => TargetDomainType, { description: 'Claims a domain for a client and returns its token with the DNS and HTTP instructions (the same row again if already added).' })
  async addDomain(@Arg('input', () => AddDomainInput) input: AddDomainInput, @Ctx() ctx: ScansContext): Promise<TargetDomainType> {
    return toTargetDomainType(await ctx.ownership.addDomain(input), ctx.ownershipConfig.verifier);
  }

  @Mutation(() => DomainVerificationResultType, { description: "Checks the domain's token now by DNS or HTTP; a failure of the method it is verified by revokes its verification." })
  async verifyDomain(
    @Arg('id', () => ID) id: string,
    @Arg('method', () => VerificationMethodEnum) method: VerificationMethodEnum,
    @Ctx() ctx: ScansContext,
  ): Promise<DomainVerificationResultType> {
    const result = await ctx.ownership.verifyDomain(id, method);
    return Object.assign(new DomainVerificationResultType(), {
      verified: result.verified,
      reason: result.reason,
      domain: toTargetDomainType(result.domain, ctx.ownershipConfig.verifier),
    });
  }

  @Query(() => [TargetDomainType], { description: "The caller's domains (of one client when clientId is given), newest first." })
  async domains(@Arg('clientId', () => ID, { nullable: true }) clientId: string | null, @Ctx() ctx: ScansContext): Promise<TargetDomainType[]> {
    return (await ctx.ownership.domains(clientId)).map((d) => toTargetDomainType(d, ctx.ownershipConfig.verifier));
  }

  @Mutation(() => Boolean, { description: 'Forgets a domain: it no longer covers active scans and its token is void.' })
  removeDomain(@Arg('id', () => ID) id: string, @Ctx() ctx: ScansContext): Promise<boolean> {
    return ctx.ownership.removeDomain(id);
  }

  @Mutation(() => TargetAttestationType, { description: 'Records your statement that an IP or CIDR is yours to test (it must still be allowed by the scan policy).' })
  async attestTarget(@Arg('input', () => AttestTargetInput) input: AttestTargetInput, @Ctx() ctx: ScansContext): Promise<TargetAttestationType> {
    return toTargetAttestationType(await ctx.ownership.attestTarget(input));
  }

  @Query(() => [TargetAttestationType], { description: "The caller's attestations (of one client when clientId is given), newest first." })
  async attestations(@Arg('clientId', () => ID, { nullable: true }) clientId: string | null, @Ctx() ctx: ScansContext): Promise<TargetAttestationType[]> {
    return (await ctx.ownership.attestations(clientId)).map(toTargetAttestationType);
  }

  @Mutation(() => TargetAttestationType, { description: 'Withdraws an attestation: new active scans no longer rely on it; the record stays.' })
  async revokeAttestation(@Arg('id', () => ID) id: string, @Ctx() ctx: ScansContext): Promise<TargetAttestationType> {
    return toTargetAttestationType(await ctx.ownership.revokeAttestation(id));
  }
}

/** Scan.authorisation: the record an active scan was created with. */
@Resolver(() => ScanType)
export class ScanAuthorisationResolver {
  @FieldResolver(() => ScanAuthorisationType, { nullable: true, description: 'The immutable authorisation record of an active scan; null for passive scans.' })
  async authorisation(@Root() scan: ScanType, @Ctx() ctx: ScansContext): Promise<ScanAuthorisationType | null> {
    if (scan.mode !== 'ACTIVE') return null;
    const row = await ctx.ownership.authorisationOf(scan.id);
    return row ? toScanAuthorisationType(row) : null;
  }
}
