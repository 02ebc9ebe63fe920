// register-endpoint registers one endpoint with etcd's own gRPC naming manager
// (go.etcd.io/etcd/clientv3/naming/endpoints) under a lease kept alive until stdin closes.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/naming/endpoints"
)

func main() {
	etcd := flag.String("etcd", "", "etcd endpoints, comma-separated")
	target := flag.String("target", "flotilla/services/gosvc", "naming target (key prefix)")
	key := flag.String("key", "go-1", "endpoint key below the target")
	addr := flag.String("addr", "", "host:port to register")
	metadata := flag.String("metadata", "", "metadata string")
	flag.Parse()

	cli, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(*etcd, ","), DialTimeout: 5 * time.Second})
	if err != nil {
		fail("etcd client", err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lease, err := cli.Grant(ctx, 10)
	if err != nil {
		fail("grant", err)
	}
	manager, err := endpoints.NewManager(cli, *target)
	if err != nil {
		fail("manager", err)
	}
	var md interface{}
	if *metadata != "" {
		md = *metadata
	}
	err = manager.AddEndpoint(ctx, *target+"/"+*key, endpoints.Endpoint{Addr: *addr, Metadata: md}, clientv3.WithLease(lease.ID))
	if err != nil {
		fail("add endpoint", err)
	}
	if _, err := cli.KeepAlive(context.Background(), lease.ID); err != nil {
		fail("keepalive", err)
	}
	fmt.Println("registered")
	// Stay registered until the parent closes stdin, then revoke.
	bufio.NewReader(os.Stdin).ReadString('\n')
	rctx, rcancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer rcancel()
	cli.Revoke(rctx, lease.ID)
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(1)
}
