// notifier: records alerts for important events (standard library only).
//
//	POST /notify {"type", "severity", "id"} -> 202 {"notified": true, "channel": "..."} for high and critical,
//	                                           200 {"notified": false} for the rest, 400 on a bad body
//	GET  /notifications?type=...            -> {"notifications": [...]} (oldest first)
//	GET  /healthz                           -> 200 {"status": "ok"}
//
// It exits 0 on SIGTERM after shutting the server down, so a binary built with
// GOFLAGS=-cover writes its coverage counters to GOCOVERDIR.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := ":" + envOr("PORT", "8080")
	store := newStore(1000)
	server := &http.Server{Addr: addr, Handler: newHandler(store), ReadHeaderTimeout: 5 * time.Second}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	failed := make(chan error, 1)
	go func() {
		log.Printf("notifier listening on %s", addr)
		if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			failed <- err
		}
	}()

	select {
	case err := <-failed:
		log.Printf("notifier: %v", err)
		os.Exit(1)
	case sig := <-stop:
		log.Printf("notifier: %v, shutting down", sig)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := server.Shutdown(ctx); err != nil {
			log.Printf("notifier: shutdown: %v", err)
		}
		// A normal exit: coverage counters (GOFLAGS=-cover) are written now.
		os.Exit(0)
	}
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
