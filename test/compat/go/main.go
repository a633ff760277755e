// Compatibility peer over franz-go: a consume-transform-produce loop in a GroupTransactSession
// (franz-go's exactly-once helper: a group consumer reading committed data, a transactional
// producer, the consumed offsets committed inside each transaction).
//
//	txn-session --bootstrap B --input IN --output OUT --group G --transactional-id ID
//	            [--max-batches N] [--max-poll R] [--idle 3s] [--timeout 60s]
//
// Each poll's records (at most R) are written to OUT upper-cased, keys kept, in one transaction
// with the offsets that consumed them. Stops after N committed transactions, or (without N) once
// a poll after the first transaction brings nothing for --idle. Prints one JSON line per transaction ({"records":n,"committed":bool});
// diagnostics go to stderr; exits 1 on any error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "txn-session" {
		fmt.Fprintln(os.Stderr, "usage: txn-session --bootstrap B --input IN --output OUT --group G --transactional-id ID [--max-batches N] [--idle D] [--timeout D]")
		os.Exit(64)
	}
	flags := flag.NewFlagSet("txn-session", flag.ExitOnError)
	bootstrap := flags.String("bootstrap", "", "")
	input := flags.String("input", "", "")
	output := flags.String("output", "", "")
	group := flags.String("group", "", "")
	txnID := flags.String("transactional-id", "", "")
	maxBatches := flags.Int("max-batches", 0, "")
	maxPoll := flags.Int("max-poll", 100, "")
	idle := flags.Duration("idle", 3*time.Second, "")
	timeout := flags.Duration("timeout", 60*time.Second, "")
	_ = flags.Parse(os.Args[2:])
	if err := run(*bootstrap, *input, *output, *group, *txnID, *maxBatches, *maxPoll, *idle, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "txn-session failed:", err)
		os.Exit(1)
	}
}

func run(bootstrap, input, output, group, txnID string, maxBatches, maxPoll int, idle, timeout time.Duration) error {
	opts := []kgo.Opt{}
	if os.Getenv("PEER_DEBUG") != "" {
		opts = append(opts, kgo.WithLogger(kgo.BasicLogger(os.Stderr, kgo.LogLevelDebug, nil)))
	}
	sess, err := kgo.NewGroupTransactSession(append(opts,
		kgo.SeedBrokers(bootstrap),
		kgo.TransactionalID(txnID),
		kgo.TransactionTimeout(10*time.Second),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(input),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.RequireStableFetchOffsets(),
		kgo.DefaultProduceTopic(output),
		// Uncompressed, so that the test's kafkajs reader (no snappy codec) reads the output.
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	)...)
	if err != nil {
		return err
	}
	defer sess.Close()
	deadline := time.Now().Add(timeout)
	for batches := 0; maxBatches == 0 || batches < maxBatches; {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		pollCtx, cancel := context.WithTimeout(context.Background(), idle)
		fetches := sess.PollRecords(pollCtx, maxPoll)
		cancel()
		var fetchErr error
		fetches.EachError(func(topic string, partition int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				fetchErr = fmt.Errorf("fetch %s-%d: %w", topic, partition, err)
			}
		})
		if fetchErr != nil {
			return fetchErr
		}
		if fetches.NumRecords() == 0 {
			if maxBatches == 0 && batches > 0 {
				return nil // idle: everything there was is processed
			}
			continue
		}
		if err := sess.Begin(); err != nil {
			return err
		}
		ctx := context.Background()
		var produceErr error
		n := 0
		fetches.EachRecord(func(r *kgo.Record) {
			n++
			sess.Produce(ctx, &kgo.Record{Key: r.Key, Value: []byte(strings.ToUpper(string(r.Value)))}, func(_ *kgo.Record, err error) {
				if err != nil {
					produceErr = err
				}
			})
		})
		committed, err := sess.End(ctx, kgo.TransactionEndTry(produceErr == nil))
		if err != nil {
			return err
		}
		if produceErr != nil {
			return produceErr
		}
		line, _ := json.Marshal(map[string]any{"records": n, "committed": committed})
		fmt.Println(string(line))
		if committed {
			batches++
		}
	}
	return nil
}
