/** One running process of the fleet, as the fleet reports it. */
export interface FleetMember {
  /** Instance name: store-1, greeter-2, ... */
  name: string;
  /** Where it serves: a registry member's client URL, a service's host:port. */
  address: string;
  pid: number;
  logFile: string;
}
