import type { ProbeContext } from '../../check.js';
import type { ScanNet } from '../../scan-net.js';
import { Semaphore } from '../../scan-http.js';
import { scanPorts, type PortScanResult } from './port-scan.js';
import type { ServiceCheck, ServiceVerdict } from './service-check.js';
import { expectsBanner, serviceForPort, serviceFromBanner } from './services.js';
import { withSession } from './tcp-session.js';

/** How long a service may take to say something first (SSH, FTP, SMTP greet within a second). */
export const BANNER_WAIT_MS = 1_500;
/** After the first bytes of a banner, how long to wait for the rest of it. */
const BANNER_SETTLE_MS = 200;
/** Connect timeout of the port scan: enough for a SYN retransmit on a slow path, short for filtered ports. */
const SCAN_CONNECT_TIMEOUT_MS = 2_000;
/** Banner reads in flight at once per host. */
const BANNER_CONCURRENCY = 16;

/** An open port and what its service said first. */
export interface OpenPort {
  port: number;
  /** The raw first bytes (empty for silent services and for ports where no banner is read). */
  banner: Buffer;
  /** The service the banner announced, if it announced one we recognise. */
  bannerService: string | null;
  /** Best guess: the banner's service, else the port's usual one. */
  service: string;
}

export interface AddressSurvey {
  address: string;
  scan: PortScanResult;
  open: OpenPort[];
}

/**
 * What the network probes of one host share: the port scan and banners (done once, whichever
 * probe asks first) and each service check's verdict per address and port (so the exposed-service
 * check can tell whether an unauthenticated-access check already covers a port, without sending
 * the exchange twice). The probes run at the same time; each awaits the same promises.
 */
export class HostSurvey {
  private surveyed: Promise<AddressSurvey[]> | null = null;
  private readonly verdicts = new Map<string, Promise<ServiceVerdict>>();

  constructor(private readonly ctx: ProbeContext) {}

  /** Scans every address of the host on the profile's ports and reads the banners of the open ones. */
  addresses(): Promise<AddressSurvey[]> {
    return (this.surveyed ??= this.surveyAll());
  }

  /** The check's verdict on one address and port, run at most once per scan. */
  verdict(check: ServiceCheck, address: string, port: number): Promise<ServiceVerdict> {
    const key = `${check.definition.id}|${address}|${port}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = check.run(this.ctx, address, port);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  /** The open ports (of any address) on which a check should run: its default ports, or a banner naming it in AGGRESSIVE. */
  async targetsOf(check: ServiceCheck): Promise<{ address: string; port: number }[]> {
    const aggressive = this.ctx.profile.name === 'AGGRESSIVE';
    const targets: { address: string; port: number }[] = [];
    for (const survey of await this.addresses()) {
      for (const open of survey.open) {
        const standard = check.ports.includes(open.port) && (open.bannerService === null || open.bannerService === check.service);
        const announced = aggressive && open.bannerService === check.service;
        if (standard || announced) targets.push({ address: survey.address, port: open.port });
      }
    }
    return targets;
  }

  private async surveyAll(): Promise<AddressSurvey[]> {
    const { ctx } = this;
    const surveys: AddressSurvey[] = [];
    for (const address of ctx.host.addresses) {
      if (ctx.signal.aborted) break;
      const scan = await scanPorts(ctx.net, address, ctx.profile.ports, {
        concurrency: Math.max(1, ctx.profile.portConcurrency),
        timeoutMs: Math.min(SCAN_CONNECT_TIMEOUT_MS, ctx.profile.requestTimeoutMs),
        signal: ctx.signal,
      });
      ctx.log.debug({ address, open: scan.open, closed: scan.closed, filtered: scan.filtered, ms: Math.round(scan.durationMs) }, 'port scan done');
      const slots = new Semaphore(BANNER_CONCURRENCY);
      const open = await Promise.all(scan.open.map((port) => slots.use(() => readOpenPort(ctx.net, address, port, ctx.signal))));
      surveys.push({ address, scan, open });
    }
    return surveys;
  }
}

async function readOpenPort(net: ScanNet, address: string, port: number, signal: AbortSignal): Promise<OpenPort> {
  const banner = expectsBanner(port) ? await readBanner(net, address, port, signal) : Buffer.alloc(0);
  const bannerService = serviceFromBanner(banner);
  return { port, banner, bannerService, service: bannerService ?? serviceForPort(port) };
}

/** Reads what the service says on its own within BANNER_WAIT_MS; sends nothing. */
export async function readBanner(net: ScanNet, address: string, port: number, signal: AbortSignal): Promise<Buffer> {
  const banner = await withSession(net, address, port, { timeoutMs: BANNER_WAIT_MS, signal }, async (session) => {
    const { data } = await session.read({
      timeoutMs: BANNER_WAIT_MS,
      settleMs: BANNER_SETTLE_MS,
      maxBytes: 1024,
      // A text greeting is whole at its first line end; binary ones (MySQL) settle instead.
      complete: (d) => d.includes(0x0a),
    });
    return data.subarray(0, 1024);
  });
  return banner ?? Buffer.alloc(0);
}

const surveys = new WeakMap<ScanNet, Map<string, HostSurvey>>();

/** The survey of ctx's host in this scan (a scan has one ScanNet), created on first use. */
export function hostSurvey(ctx: ProbeContext): HostSurvey {
  let perScan = surveys.get(ctx.net);
  if (!perScan) surveys.set(ctx.net, (perScan = new Map()));
  const key = `${ctx.host.hostname}|${ctx.host.addresses.join(',')}`;
  let survey = perScan.get(key);
  if (!survey) perScan.set(key, (survey = new HostSurvey(ctx)));
  return survey;
}
