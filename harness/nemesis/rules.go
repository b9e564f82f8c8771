package nemesis

import "strings"

// ruleComment tags every rule amqha installs, so that `iptables -S` in a
// container tells amqha's cuts from anything Docker put there.
const ruleComment = "amqha"

// dropRules renders the input of `iptables-restore --noflush` that drops
// every packet from and to each of ips, or, with probability set, that
// share of them (statistic match: this kernel has no netem). Both
// directions are cut because a one-way cut leaves TCP half alive, which
// is a different fault. Only the filter table is named, so the nat rules
// of Docker's embedded DNS are never touched.
func dropRules(ips []string, probability string) []string {
	lines := []string{"*filter"}
	for _, ip := range ips {
		lines = append(lines, dropRule("INPUT", "-s", ip, probability), dropRule("OUTPUT", "-d", ip, probability))
	}
	return append(lines, "COMMIT")
}

func dropRule(chain, dir, ip, probability string) string {
	r := []string{"-I", chain, dir, ip}
	if probability != "" {
		r = append(r, "-m", "statistic", "--mode", "random", "--probability", probability)
	}
	r = append(r, "-m", "comment", "--comment", ruleComment, "-j", "DROP")
	return strings.Join(r, " ")
}

// flushRules renders the input of `iptables-restore --noflush` that
// empties the filter table's INPUT and OUTPUT chains, where every cut
// lives. Flushing with --noflush, rather than restoring an empty table,
// leaves FORWARD and the chains' policies as they were.
func flushRules() []string {
	return []string{"*filter", "-F INPUT", "-F OUTPUT", "COMMIT"}
}

// restoreScript pipes its arguments, one per line, into iptables-restore:
// Exec gives the command no stdin, and passing the rule text as sh's
// arguments rather than inside the script means no address or comment
// needs shell quoting. -w waits for the xtables lock instead of failing
// when Docker holds it. The pipeline's status is iptables-restore's.
const restoreScript = `printf '%s\n' "$@" | iptables-restore -w --noflush`

// netemScript also deletes the netem qdisc, in the same exec as the
// flush so that a heal costs one exec per container. No qdisc to delete
// is the normal case, so its failure is ignored; the flush's is not.
const netemScript = restoreScript + `; rc=$?; tc qdisc del dev eth0 root 2>/dev/null; exit $rc`

// restoreCmd is the argv that applies lines in one exec.
func restoreCmd(lines []string, withNetem bool) []string {
	script := restoreScript
	if withNetem {
		script = netemScript
	}
	// "amqha" is $0, the name sh reports errors under.
	return append([]string{"sh", "-c", script, "amqha"}, lines...)
}
