// app: the test image's program. It prints one line (its first argument, or CHEIRON_APP_MESSAGE, or a default)
// and then serves that line over HTTP when CHEIRON_APP_LISTEN is set (e.g. ":8080"), else sleeps until told to
// stop. With CHEIRON_APP_APISERVER=true it instead asks the apiserver for /version through the `kubernetes`
// Service (KUBERNETES_SERVICE_HOST/PORT, set by the kubelet) with the Pod's projected token and CA, prints what it
// got and exits (0 when the apiserver answered 200).
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

const sa = "/var/run/secrets/kubernetes.io/serviceaccount/"

func askApiserver() int {
	addr := net.JoinHostPort(os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT"))
	token, err := os.ReadFile(sa + "token")
	if err != nil {
		fmt.Println("no token:", err)
		return 1
	}
	ca, err := os.ReadFile(sa + "ca.crt")
	pool := x509.NewCertPool()
	if err != nil || !pool.AppendCertsFromPEM(ca) {
		fmt.Println("no CA:", err)
		return 1
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
	req, _ := http.NewRequest("GET", "https://"+addr+"/version", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	res, err := client.Do(req)
	if err != nil {
		fmt.Println("apiserver not reached at", addr+":", err)
		return 1
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Printf("apiserver at %s answered %d: %s\n", addr, res.StatusCode, strings.Join(strings.Fields(string(body)), " "))
	if res.StatusCode != 200 {
		return 1
	}
	return 0
}

func main() {
	if os.Getenv("CHEIRON_APP_APISERVER") == "true" {
		os.Exit(askApiserver())
	}
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
