// Package docker holds the recipe of amqha's node image and computes its
// tag exactly as build.sh does, so Go code and the shell agree on which
// image is current.
package docker

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
)

//go:embed build.sh
var buildScript []byte

//go:embed packages.txt
var packages []byte

//go:embed Dockerfile.registry
var dockerfile []byte

// Image is the node image reference: a hash of the recipe, so a stale image
// is never mistaken for a fresh one. The dotted registry part keeps
// testcontainers' hub prefix from rewriting it.
func Image() string {
	h := sha256.New()
	h.Write(buildScript)
	h.Write(packages)
	h.Write(dockerfile)
	return "amqha.local/node:" + hex.EncodeToString(h.Sum(nil))[:12]
}
