package cluster

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"text/template"
	"time"
)

//go:embed conf/*
var confFS embed.FS

var confTmpl = template.Must(template.ParseFS(confFS, "conf/*.tmpl"))

// Profile is an HA mode of ActiveMQ: how its brokers share a store and
// elect a master.
type Profile struct {
	// Name is the profile's name in scenario files.
	Name string
	// Quorum is the number of nodes that must be up for writes; zero
	// means the profile has no quorum (a shared store has none).
	Quorum int
	// SlaveLog matches the log line a broker writes when it waits as a slave.
	SlaveLog *regexp.Regexp
	// LockInterval is how often a slave retries the store's lock.
	LockInterval time.Duration
	// broker renders a broker's activemq.xml.
	broker func(p Profile, name string) ([]byte, error)
	// sharedStore mounts one volume into every broker at storeDir.
	sharedStore bool
}

const storeDir = "/srv/shared"

// Profiles lists the HA modes this build can start.
var Profiles = map[string]Profile{
	"shared-kahadb": {
		Name:         "shared-kahadb",
		SlaveLog:     regexp.MustCompile(`is now in slave mode`),
		LockInterval: time.Second,
		broker:       renderKahaDB,
		sharedStore:  true,
	},
}

// LookupProfile returns the named profile or an error listing the known ones.
func LookupProfile(name string) (Profile, error) {
	p, ok := Profiles[name]
	if !ok {
		known := make([]string, 0, len(Profiles))
		for k := range Profiles {
			known = append(known, k)
		}
		return Profile{}, fmt.Errorf("profile %q is not supported by this build (supported: %v)", name, known)
	}
	return p, nil
}

func renderKahaDB(p Profile, name string) ([]byte, error) {
	var b bytes.Buffer
	err := confTmpl.ExecuteTemplate(&b, "shared-kahadb.xml.tmpl", map[string]any{
		"BrokerName":        name,
		"StoreDir":          storeDir + "/kahadb",
		"LockAcquireMillis": p.LockInterval.Milliseconds(),
	})
	if err != nil {
		return nil, fmt.Errorf("render %s activemq.xml: %w", name, err)
	}
	return b.Bytes(), nil
}

func confFile(name string) []byte {
	b, err := confFS.ReadFile("conf/" + name)
	if err != nil {
		panic(err) // embedded at build time: a missing file is a build defect
	}
	return b
}
