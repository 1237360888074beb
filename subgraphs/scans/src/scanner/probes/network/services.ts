import type { FindingSeverity } from '../../finding-draft.js';

/** The service usually found on a well-known port (a guess until a banner or an exchange confirms it). */
const PORT_SERVICES: Record<number, string> = {
  21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'dns', 80: 'http', 81: 'http', 88: 'kerberos', 110: 'pop3',
  111: 'rpcbind', 135: 'msrpc', 139: 'netbios-ssn', 143: 'imap', 161: 'snmp', 179: 'bgp', 389: 'ldap', 443: 'https',
  445: 'smb', 465: 'smtps', 502: 'modbus', 514: 'rsh', 515: 'printer', 548: 'afp', 554: 'rtsp', 587: 'submission',
  623: 'ipmi', 631: 'ipp', 636: 'ldaps', 873: 'rsync', 902: 'vmware-auth', 990: 'ftps', 993: 'imaps', 995: 'pop3s',
  1080: 'socks', 1194: 'openvpn', 1433: 'mssql', 1521: 'oracle', 1723: 'pptp', 1883: 'mqtt', 2049: 'nfs',
  2082: 'cpanel', 2083: 'cpanel-ssl', 2181: 'zookeeper', 2222: 'ssh-alt', 2375: 'docker', 2376: 'docker-tls',
  2379: 'etcd', 3000: 'http-alt', 3128: 'squid-http', 3268: 'ldap-gc', 3306: 'mysql', 3389: 'rdp', 3690: 'svn',
  4369: 'epmd', 4443: 'https-alt', 4848: 'glassfish-admin', 5000: 'http-alt', 5060: 'sip', 5432: 'postgresql',
  5601: 'kibana', 5672: 'amqp', 5900: 'vnc', 5938: 'teamviewer', 5984: 'couchdb', 5985: 'winrm', 5986: 'winrm-ssl',
  6000: 'x11', 6379: 'redis', 6443: 'kubernetes-api', 6667: 'irc', 7001: 'weblogic', 7474: 'neo4j', 7547: 'cwmp',
  8000: 'http-alt', 8008: 'http-alt', 8080: 'http-proxy', 8081: 'http-alt', 8086: 'influxdb', 8088: 'http-alt',
  8443: 'https-alt', 8500: 'consul', 8888: 'http-alt', 9000: 'http-alt', 9042: 'cassandra', 9090: 'http-alt',
  9092: 'kafka', 9100: 'jetdirect', 9200: 'elasticsearch', 9300: 'elasticsearch-transport', 9418: 'git',
  9443: 'https-alt', 10000: 'webmin', 10250: 'kubelet', 11211: 'memcached', 15672: 'rabbitmq-management',
  25565: 'minecraft', 27017: 'mongodb', 27018: 'mongodb', 28017: 'mongodb-http', 50070: 'hadoop-namenode',
};

/**
 * Ports whose services never speak first (HTTP and TLS: they wait for the client's request or
 * ClientHello), so waiting for a banner would only cost time: nothing is read from them.
 */
const CLIENT_SPEAKS_FIRST = new Set([
  80, 81, 443, 465, 636, 990, 993, 995, 2082, 2083, 2375, 2376, 2379, 3000, 3128, 4443, 4848, 5000, 5601, 5984, 5985,
  5986, 6443, 7001, 7474, 8000, 8008, 8080, 8081, 8086, 8088, 8443, 8500, 8888, 9000, 9090, 9200, 9443, 10000, 10250,
  15672, 28017, 50070,
]);

/** Whether a banner read is worth the wait on this port. */
export function expectsBanner(port: number): boolean {
  return !CLIENT_SPEAKS_FIRST.has(port);
}

/** A database, cache or admin interface that should never be reachable from the internet. */
export interface ExposedService {
  service: string;
  label: string;
  severity: FindingSeverity;
  /** Why exposure is dangerous, for the finding's description. */
  risk: string;
}

/** The ports the exposed-service check reports, by the service normally behind them. */
export const EXPOSED_SERVICES: ReadonlyMap<number, ExposedService> = new Map<number, ExposedService>([
  [23, { service: 'telnet', label: 'Telnet', severity: 'HIGH', risk: 'sends logins and sessions in clear text and is a favourite target of credential-guessing botnets' }],
  [445, { service: 'smb', label: 'SMB (Windows file sharing)', severity: 'HIGH', risk: 'has a long record of wormable remote-code-execution flaws (EternalBlue, SMBGhost) and allows password guessing' }],
  [3389, { service: 'rdp', label: 'Remote Desktop (RDP)', severity: 'HIGH', risk: 'is constantly brute-forced and has had pre-authentication remote-code-execution flaws (BlueKeep)' }],
  [5900, { service: 'vnc', label: 'VNC remote desktop', severity: 'HIGH', risk: 'often has weak or no passwords and gives full control of the desktop' }],
  [6379, { service: 'redis', label: 'Redis', severity: 'HIGH', risk: 'has no authentication by default and lets any client read and write all data and, through CONFIG, files on the server' }],
  [11211, { service: 'memcached', label: 'Memcached', severity: 'HIGH', risk: 'has no authentication in its text protocol, so anyone can read and overwrite cached data' }],
  [2375, { service: 'docker', label: 'Docker Engine API (plain HTTP)', severity: 'HIGH', risk: 'gives whoever reaches it root on the host by starting a privileged container' }],
  [2379, { service: 'etcd', label: 'etcd', severity: 'HIGH', risk: 'holds cluster state and secrets (e.g. all Kubernetes secrets) and has no client authentication unless configured' }],
  [10250, { service: 'kubelet', label: 'Kubernetes kubelet API', severity: 'HIGH', risk: 'can run commands in every pod of the node when anonymous authentication is left on' }],
  [2181, { service: 'zookeeper', label: 'ZooKeeper', severity: 'HIGH', risk: 'has no authentication by default and holds the configuration of the systems that use it' }],
  [9200, { service: 'elasticsearch', label: 'Elasticsearch HTTP API', severity: 'HIGH', risk: 'exposes every index to reading, changing and deleting when security is not enabled' }],
  [27017, { service: 'mongodb', label: 'MongoDB', severity: 'MEDIUM', risk: 'is a frequent target of ransom wiping when authentication is missing, and invites password guessing when it is not' }],
  [27018, { service: 'mongodb', label: 'MongoDB (shard)', severity: 'MEDIUM', risk: 'is a frequent target of ransom wiping when authentication is missing, and invites password guessing when it is not' }],
  [5432, { service: 'postgresql', label: 'PostgreSQL', severity: 'MEDIUM', risk: 'invites password guessing and exposes the server to any pre-authentication flaw' }],
  [3306, { service: 'mysql', label: 'MySQL / MariaDB', severity: 'MEDIUM', risk: 'invites password guessing and exposes the server to any pre-authentication flaw' }],
  [1433, { service: 'mssql', label: 'Microsoft SQL Server', severity: 'MEDIUM', risk: 'invites password guessing (the sa account) and exposes the server to any pre-authentication flaw' }],
  [1521, { service: 'oracle', label: 'Oracle database listener', severity: 'MEDIUM', risk: 'invites password guessing and TNS listener attacks' }],
  [9042, { service: 'cassandra', label: 'Cassandra', severity: 'MEDIUM', risk: 'ships with default credentials (or none) and holds application data' }],
  [5984, { service: 'couchdb', label: 'CouchDB', severity: 'MEDIUM', risk: 'has had admin-party and remote-code-execution flaws and holds application data' }],
  [9300, { service: 'elasticsearch-transport', label: 'Elasticsearch transport', severity: 'MEDIUM', risk: 'is the cluster-internal protocol and should only be reachable by other nodes' }],
  [5985, { service: 'winrm', label: 'Windows Remote Management (HTTP)', severity: 'MEDIUM', risk: 'allows remote command execution with stolen or guessed credentials' }],
  [135, { service: 'msrpc', label: 'Microsoft RPC endpoint mapper', severity: 'MEDIUM', risk: 'reveals internal services and has a history of remote-code-execution flaws' }],
  [139, { service: 'netbios-ssn', label: 'NetBIOS session service', severity: 'MEDIUM', risk: 'exposes SMB over NetBIOS, with the same risks as port 445' }],
  [2049, { service: 'nfs', label: 'NFS', severity: 'HIGH', risk: 'may export file systems to any client that asks, trusting the user ids the client claims' }],
  [502, { service: 'modbus', label: 'Modbus/TCP (industrial control)', severity: 'HIGH', risk: 'has no authentication at all: any client can read and write the controller\'s registers' }],
]);

/** The likely service on a port, for the open-port finding when no banner says otherwise. */
export function serviceForPort(port: number): string {
  return PORT_SERVICES[port] ?? 'unknown';
}

const TEXT_BANNERS: [RegExp, string][] = [
  [/^SSH-\d/, 'ssh'],
  [/^220[ -].*\b(ftp|vsftpd|proftpd|filezilla|pure-ftpd)\b/i, 'ftp'],
  [/^220[ -].*\b(e?smtp|postfix|exim|sendmail|mail)\b/i, 'smtp'],
  [/^\+OK\b/, 'pop3'],
  [/^\* (OK|PREAUTH)\b/, 'imap'],
  [/^RFB \d{3}\.\d{3}/, 'vnc'],
  [/^-(DENIED|NOAUTH|ERR).*\bredis\b/i, 'redis'],
  [/^HTTP\/\d/, 'http'],
];

/**
 * The service a banner announces, or null if it says nothing we recognise. Works on the raw bytes:
 * some greetings (MySQL, Telnet) are binary.
 */
export function serviceFromBanner(raw: Buffer): string | null {
  if (raw.length === 0) return null;
  // Telnet opens with option negotiation: IAC (255) followed by WILL/WONT/DO/DONT (251-254).
  if (raw[0] === 0xff && raw.length > 1 && raw[1]! >= 251 && raw[1]! <= 254) return 'telnet';
  // MySQL/MariaDB handshake: 3-byte length, sequence 0, then protocol 10 and a version string.
  if (raw.length > 5 && raw[3] === 0 && raw[4] === 10 && raw.readUIntLE(0, 3) === raw.length - 4) return 'mysql';
  if (raw.length > 5 && raw[3] === 0 && raw[4] === 0xff && /mysql|mariadb/i.test(raw.subarray(5).toString('latin1'))) return 'mysql';
  const text = raw.toString('latin1');
  for (const [pattern, service] of TEXT_BANNERS) if (pattern.test(text)) return service;
  return null;
}

const MAX_BANNER_CHARS = 120;

/**
 * The first line of a banner, safe to store and show: control and non-ASCII bytes become `.`,
 * whitespace is collapsed and the result is cut to 120 characters.
 */
export function sanitizeBanner(raw: Buffer): string {
  const firstLine = raw.toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  const printable = firstLine.replace(/[^\x20-\x7e]/g, '.').replace(/\s+/g, ' ').trim();
  return printable.length > MAX_BANNER_CHARS ? `${printable.slice(0, MAX_BANNER_CHARS - 1)}…` : printable;
}
