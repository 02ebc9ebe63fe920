/**
 * etcd's server errors (`api/v3rpc/rpctypes`): the gRPC status code and the exact message each answers
 * with. Clients match on the message text (clientv3 maps it back to its typed errors, etcdctl prints it),
 * so these strings must stay byte-for-byte etcd's.
 */

/** gRPC status codes (the numbers are gRPC's). */
export const GrpcCode = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

export interface RpcErrorSpec {
  readonly code: GrpcCode;
  readonly message: string;
}

const spec = (code: GrpcCode, message: string): RpcErrorSpec => ({ code, message });
const { INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE, UNAVAILABLE } = GrpcCode;

export const RpcErrors = {
  emptyKey: spec(INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  keyNotFound: spec(INVALID_ARGUMENT, 'etcdserver: key not found'),
  valueProvided: spec(INVALID_ARGUMENT, 'etcdserver: value is provided'),
  leaseProvided: spec(INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  ttlZero: spec(INVALID_ARGUMENT, 'etcdserver: ttl is 0'),
  tooManyOps: spec(INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  duplicateKey: spec(INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  compacted: spec(OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: spec(OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  noSpace: spec(GrpcCode.RESOURCE_EXHAUSTED, 'etcdserver: mvcc: database space exceeded'),

  leaseNotFound: spec(NOT_FOUND, 'etcdserver: requested lease not found'),
  leaseExist: spec(FAILED_PRECONDITION, 'etcdserver: lease already exists'),
  leaseTtlTooLarge: spec(OUT_OF_RANGE, 'etcdserver: too large lease TTL'),

  memberExist: spec(FAILED_PRECONDITION, 'etcdserver: member ID already exist'),
  peerUrlExist: spec(FAILED_PRECONDITION, 'etcdserver: Peer URLs already exists'),
  memberNotEnoughStarted: spec(
    FAILED_PRECONDITION,
    'etcdserver: re-configuration failed due to not enough started members',
  ),
  memberBadUrls: spec(INVALID_ARGUMENT, 'etcdserver: given member URLs are invalid'),
  memberNotFound: spec(NOT_FOUND, 'etcdserver: member not found'),
  memberNotLearner: spec(FAILED_PRECONDITION, 'etcdserver: can only promote a learner member'),
  learnerNotReady: spec(
    FAILED_PRECONDITION,
    'etcdserver: can only promote a learner member which is in sync with leader',
  ),
  tooManyLearners: spec(FAILED_PRECONDITION, 'etcdserver: too many learner members in cluster'),

  requestTooLarge: spec(INVALID_ARGUMENT, 'etcdserver: request is too large'),
  tooManyRequests: spec(GrpcCode.RESOURCE_EXHAUSTED, 'etcdserver: too many requests'),

  rootUserNotExist: spec(FAILED_PRECONDITION, 'etcdserver: root user does not exist'),
  rootRoleNotExist: spec(FAILED_PRECONDITION, 'etcdserver: root user does not have root role'),
  userAlreadyExist: spec(FAILED_PRECONDITION, 'etcdserver: user name already exists'),
  userEmpty: spec(INVALID_ARGUMENT, 'etcdserver: user name is empty'),
  userNotFound: spec(FAILED_PRECONDITION, 'etcdserver: user name not found'),
  roleAlreadyExist: spec(FAILED_PRECONDITION, 'etcdserver: role name already exists'),
  roleNotFound: spec(FAILED_PRECONDITION, 'etcdserver: role name not found'),
  roleEmpty: spec(INVALID_ARGUMENT, 'etcdserver: role name is empty'),
  authFailed: spec(INVALID_ARGUMENT, 'etcdserver: authentication failed, invalid user ID or password'),
  permissionDenied: spec(GrpcCode.PERMISSION_DENIED, 'etcdserver: permission denied'),
  roleNotGranted: spec(FAILED_PRECONDITION, 'etcdserver: role is not granted to the user'),
  permissionNotGranted: spec(FAILED_PRECONDITION, 'etcdserver: permission is not granted to the role'),
  authNotEnabled: spec(FAILED_PRECONDITION, 'etcdserver: authentication is not enabled'),
  invalidAuthToken: spec(GrpcCode.UNAUTHENTICATED, 'etcdserver: invalid auth token'),
  invalidAuthMgmt: spec(INVALID_ARGUMENT, 'etcdserver: invalid auth management'),

  noLeader: spec(UNAVAILABLE, 'etcdserver: no leader'),
  notLeader: spec(FAILED_PRECONDITION, 'etcdserver: not leader'),
  leaderChanged: spec(UNAVAILABLE, 'etcdserver: leader changed'),
  notCapable: spec(UNAVAILABLE, 'etcdserver: not capable'),
  stopped: spec(UNAVAILABLE, 'etcdserver: server stopped'),
  timeout: spec(UNAVAILABLE, 'etcdserver: request timed out'),
  timeoutDueToLeaderFail: spec(
    UNAVAILABLE,
    'etcdserver: request timed out, possibly due to previous leader failure',
  ),
  timeoutDueToConnectionLost: spec(
    UNAVAILABLE,
    'etcdserver: request timed out, possibly due to connection lost',
  ),
  unhealthy: spec(UNAVAILABLE, 'etcdserver: unhealthy cluster'),
  corrupt: spec(GrpcCode.DATA_LOSS, 'etcdserver: corrupt cluster'),
  notSupportedForLearner: spec(UNAVAILABLE, 'etcdserver: rpc not supported for learner'),
  badLeaderTransferee: spec(FAILED_PRECONDITION, 'etcdserver: bad leader transferee'),

  clusterVersionUnavailable: spec(UNAVAILABLE, 'etcdserver: cluster version not found during downgrade'),
  wrongDowngradeVersionFormat: spec(INVALID_ARGUMENT, 'etcdserver: wrong downgrade target version format'),
  invalidDowngradeTargetVersion: spec(INVALID_ARGUMENT, 'etcdserver: invalid downgrade target version'),
  downgradeInProcess: spec(FAILED_PRECONDITION, 'etcdserver: cluster has a downgrade job in progress'),
  noInflightDowngrade: spec(FAILED_PRECONDITION, 'etcdserver: no inflight downgrade job'),

  /** etcd's watch server cancels a watch with this when its stream is shutting down. */
  watchCanceled: spec(GrpcCode.CANCELLED, 'etcdserver: watch canceled'),
} as const satisfies Record<string, RpcErrorSpec>;

export type RpcErrorName = keyof typeof RpcErrors;
