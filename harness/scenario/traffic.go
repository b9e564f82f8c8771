package scenario

// This file holds the workload's optional traffic beside the queue's.

// Topic is the durable-topic part of a workload: a producer sending Rate
// receipted messages a second (default 20) to a topic that Subscribers
// durable subscribers (default 2) receive.
type Topic struct {
	Rate        int
	Subscribers int
}

// Transactions is the transactional part of a workload: Rate
// transactions a second (default 10), each of Size sends (default 4),
// and every AbortEvery-th aborted instead of committed (default 4; 0
// aborts none).
type Transactions struct {
	Rate       int
	Size       int
	AbortEvery int
}
