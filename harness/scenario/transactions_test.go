package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const txnHead = "name: t\ndescription: d\nprofiles: [jdbc]\nworkload:\n"

func TestTransactionsTakeTheirDefaultsAndSurviveARoundTrip(t *testing.T) {
	f, err := Parse("t.yaml", []byte(txnHead+"  transactions: {size: 3}\n"))
	require.NoError(t, err)
	require.NotNil(t, f.Workload.Transactions)
	assert.Equal(t, Transactions{Rate: 10, Size: 3, AbortEvery: 4}, *f.Workload.Transactions)
	assert.True(t, f.CheckConfig().Transactions, "the atomicity check must run")

	back, err := Parse("t.yaml", f.YAML())
	require.NoError(t, err)
	assert.Equal(t, f.Workload.Transactions, back.Workload.Transactions)

	plain, err := Parse("t.yaml", []byte(txnHead+"  rate: 50\n"))
	require.NoError(t, err)
	assert.Nil(t, plain.Workload.Transactions, "no transactions unless asked for")
	assert.False(t, plain.CheckConfig().Transactions)
}

func TestTransactionMistakesNameTheirField(t *testing.T) {
	checkMistakes(t, []mistake{
		{name: "size 0", src: txnHead + "  transactions: {size: 0}\n", line: 5, field: "workload.transactions.size", msg: "0 is out of range (1..100)"},
		{name: "rate too high", src: txnHead + "  transactions:\n    rate: 5000\n", line: 6, field: "workload.transactions.rate", msg: "5000 is out of range (1..1000)"},
		{name: "negative abort-every", src: txnHead + "  transactions: {abort-every: -1}\n", line: 5, field: "workload.transactions.abort-every", msg: "-1 is out of range (0..1000)"},
		{name: "unknown field", src: txnHead + "  transactions: {commit-every: 2}\n", line: 5, field: "workload.transactions.commit-every", msg: "unknown"},
		{name: "not a mapping", src: txnHead + "  transactions: 4\n", line: 5, field: "workload.transactions", msg: "mapping"},
	})
}

func TestTopicTakesItsDefaultsAndSurvivesARoundTrip(t *testing.T) {
	f, err := Parse("t.yaml", []byte(txnHead+"  topic: {}\n"))
	require.NoError(t, err)
	require.NotNil(t, f.Workload.Topic)
	assert.Equal(t, Topic{Rate: 20, Subscribers: 2}, *f.Workload.Topic)
	assert.Equal(t, 2, f.CheckConfig().Subscribers, "the durable-subscribers check must run")

	back, err := Parse("t.yaml", f.YAML())
	require.NoError(t, err)
	assert.Equal(t, f.Workload.Topic, back.Workload.Topic)
}

func TestTopicMistakesNameTheirField(t *testing.T) {
	checkMistakes(t, []mistake{
		{name: "no subscriber", src: txnHead + "  topic: {subscribers: 0}\n", line: 5, field: "workload.topic.subscribers", msg: "0 is out of range (1..16)"},
		{name: "unknown field", src: txnHead + "  topic: {durable: true}\n", line: 5, field: "workload.topic.durable", msg: "unknown"},
	})
}
