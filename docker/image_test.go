package docker

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The shell build and the Go harness must name the same image, or every
// run would ask for an image that was never built.
func TestImageTagMatchesBuildScript(t *testing.T) {
	out, err := exec.Command("sh", "-c", "cat build.sh packages.txt Dockerfile.registry | sha256sum | cut -c1-12").Output()
	require.NoError(t, err, "hash the recipe")
	want := "amqha.local/node:" + strings.TrimSpace(string(out))
	require.Equal(t, want, Image(), "Image() must be the tag build.sh gives")
}
