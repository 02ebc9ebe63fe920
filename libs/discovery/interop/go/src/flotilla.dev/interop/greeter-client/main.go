// greeter-client resolves a Flotilla service through etcd's official gRPC resolver
// (go.etcd.io/etcd/clientv3/naming/resolver), checks its health and calls
// helloworld.v1.Greeter/SayHello round-robin, printing the peer that answered each call.
// Built in GOPATH mode from Debian's packages; no generated stubs, so messages are encoded by hand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"go.etcd.io/etcd/clientv3"
	etcdresolver "go.etcd.io/etcd/clientv3/naming/resolver"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
)

// rawCodec sends and receives already-encoded protobuf bytes.
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// helloRequest encodes helloworld.v1.HelloRequest{name}: field 1, wire type 2.
func helloRequest(name string) []byte {
	return append([]byte{0x0a, byte(len(name))}, name...)
}

// helloMessage decodes field 1 (message) of helloworld.v1.HelloReply.
func helloMessage(b []byte) (string, error) {
	if len(b) < 2 || b[0] != 0x0a || int(b[1]) != len(b)-2 {
		return "", errors.New("unexpected HelloReply encoding")
	}
	return string(b[2:]), nil
}

func main() {
	endpoints := flag.String("etcd", "", "etcd endpoints, comma-separated")
	target := flag.String("target", "etcd:///flotilla/services/greeter", "gRPC target")
	authority := flag.String("authority", "greeter", ":authority to send (Node's HTTP/2 server rejects one containing '/')")
	calls := flag.Int("calls", 12, "SayHello calls to make")
	expectPeers := flag.Int("expect-peers", 1, "before the counted calls, call until this many instances have answered")
	flag.Parse()

	cli, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(*endpoints, ","), DialTimeout: 5 * time.Second})
	if err != nil {
		fail("etcd client", err)
	}
	defer cli.Close()
	builder, err := etcdresolver.NewBuilder(cli)
	if err != nil {
		fail("resolver", err)
	}
	opts := []grpc.DialOption{
		grpc.WithInsecure(),
		grpc.WithResolvers(builder),
		grpc.WithDefaultServiceConfig(`{"loadBalancingPolicy":"round_robin"}`),
	}
	if *authority != "" {
		opts = append(opts, grpc.WithAuthority(*authority))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := grpc.DialContext(ctx, *target, opts...)
	if err != nil {
		fail("dial", err)
	}
	defer conn.Close()

	health, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
	if err != nil {
		fail("health check", err)
	}
	fmt.Printf("health %s\n", health.Status)

	// The health check returns once one connection is READY; round_robin only picks among READY
	// ones, so wait (until the context's deadline) until every expected instance has answered.
	seen := map[string]bool{}
	for len(seen) < *expectPeers {
		addr, _ := sayHello(ctx, conn)
		seen[addr] = true
	}
	for i := 0; i < *calls; i++ {
		addr, message := sayHello(ctx, conn)
		fmt.Printf("reply %s %s\n", addr, message)
	}
}

// sayHello calls SayHello once and returns the answering peer and the reply's message.
func sayHello(ctx context.Context, conn *grpc.ClientConn) (string, string) {
	req := helloRequest("go")
	var reply []byte
	var p peer.Peer
	err := conn.Invoke(ctx, "/helloworld.v1.Greeter/SayHello", &req, &reply, grpc.ForceCodec(rawCodec{}), grpc.Peer(&p), grpc.WaitForReady(true))
	if err != nil {
		fail("SayHello", err)
	}
	message, err := helloMessage(reply)
	if err != nil {
		fail("SayHello reply", err)
	}
	return p.Addr.String(), message
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(1)
}
