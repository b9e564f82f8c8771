package docker

import (
	"os/exec"
	"strings"
	"testing"
)

// The shell build and the Go harness must name the same image, or every
// run would ask for an image that was never built.
func TestImageTagMatchesBuildScript(t *testing.T) {
	out, err := exec.Command("sh", "-c", "cat build.sh packages.txt Dockerfile.registry | sha256sum | cut -c1-12").Output()
	if err != nil {
		t.Fatalf("hash the recipe: %v", err)
	}
	want := "amqha.local/node:" + strings.TrimSpace(string(out))
	if got := Image(); got != want {
		t.Fatalf("Image() = %s, build.sh tags %s", got, want)
	}
}
