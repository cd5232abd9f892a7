// app: the test image's program. It prints one line (its first argument, or CHEIRON_APP_MESSAGE, or a default)
// and then serves that line over HTTP when CHEIRON_APP_LISTEN is set (e.g. ":8080"), else sleeps until told to
// stop.
package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	msg := os.Getenv("CHEIRON_APP_MESSAGE")
	if len(os.Args) > 1 {
		msg = os.Args[1]
	}
	if msg == "" {
		msg = "cheiron test app: running"
	}
	fmt.Println(msg)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	if addr := os.Getenv("CHEIRON_APP_LISTEN"); addr != "" {
		go func() {
			err := http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				fmt.Fprintln(w, msg)
			}))
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}()
	}
	<-stop
}
