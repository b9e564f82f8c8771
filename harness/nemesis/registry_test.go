package nemesis

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/amqha/amqha/harness/fault"
)

// Every action the parser accepts is one the nemesis can inject: the
// vocabulary and the implementations cannot drift apart.
func TestEveryActionHasAFamily(t *testing.T) {
	for _, a := range fault.Actions() {
		_, ok := families[a]
		assert.True(t, ok, "action %s has no implementation", a)
	}
	assert.Len(t, families, len(fault.Actions()), "an implementation without a vocabulary entry")
}
