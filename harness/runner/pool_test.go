package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A profile's proxied twin and its plain cluster run side by side: their
// containers must not share names.
func TestATwinClusterHasNamesOfItsOwn(t *testing.T) {
	plain := clusterRunID("20261202-180710-131b", poolKey("jdbc", false), 1)
	twin := clusterRunID("20261202-180710-131b", poolKey("jdbc", true), 1)

	assert.Equal(t, "20261202-180710-131b-jdbc-1", plain)
	assert.Equal(t, "20261202-180710-131b-jdbc-store-proxy-1", twin)
}
