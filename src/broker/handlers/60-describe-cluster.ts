/**
 * DescribeCluster (key 60), versions 0-1: kafkajs admin.describeCluster, the Java admin's
 * describeCluster (kafka-topics, kafka-configs and most tools ask it first). One broker: this
 * node, at the address of the listener the request came in on, is the whole cluster and its
 * controller. v1's endpoint_type: 1 (brokers) is answered; 2 (controllers) is
 * MISMATCHED_ENDPOINT_TYPE and anything else UNSUPPORTED_ENDPOINT_TYPE, with Kafka's messages,
 * since a Brooklet listener is a broker endpoint. Authorized operations: Brooklet has no ACLs, so
 * everything a cluster allows is reported as Kafka does for a principal allowed everything.
 */
import { ErrorCode, type DescribeClusterRequest, type DescribeClusterResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

const ENDPOINT_BROKER = 1;
const ENDPOINT_CONTROLLER = 2;
const NOT_REQUESTED = -2147483648;
/** Kafka's bit set for a cluster resource: every operation allowed on it (ALTER, ALTER_CONFIGS, ...). */
const CLUSTER_OPERATIONS = 8096;

export const describeCluster = defineHandler<DescribeClusterRequest, DescribeClusterResponse>({
  apiKey: 60,
  name: 'DescribeCluster',
  versions: { min: 0, max: 1 },
  handle(request, ctx) {
    const { broker } = ctx;
    const endpointType = ctx.apiVersion >= 1 ? request.endpointType : ENDPOINT_BROKER;
    if (endpointType !== ENDPOINT_BROKER) {
      const message = endpointType === ENDPOINT_CONTROLLER
        ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER'
        : `Unsupported endpoint type ${endpointType}`;
      const code = endpointType === ENDPOINT_CONTROLLER ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE;
      return failure(code, message, broker.logs.clusterId);
    }
    const { host, port } = broker.advertisedFor(ctx.conn);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: ENDPOINT_BROKER,
      clusterId: broker.logs.clusterId,
      controllerId: broker.nodeId,
      brokers: [{ brokerId: broker.nodeId, host, port, rack: null }],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NOT_REQUESTED,
    };
  },
  errorResponse: (_request, errorCode, ctx) => failure(errorCode, null, ctx.broker.logs.clusterId),
});

function failure(errorCode: number, errorMessage: string | null, clusterId: string): DescribeClusterResponse {
  return { throttleTimeMs: 0, errorCode, errorMessage, endpointType: ENDPOINT_BROKER, clusterId, controllerId: -1, brokers: [],
    clusterAuthorizedOperations: NOT_REQUESTED };
}
