package scenario

// This file holds the reading of scenario files: regular files only, with
// a size cap, and the check that their bytes are text before YAML sees
// them.

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"unicode/utf8"
)

// MaxFileSize is the largest scenario file Load reads, in bytes (1 MiB).
// Real scenarios are a few KiB; the cap keeps a mistaken path (a log, a
// device) from being read into memory whole.
const MaxFileSize = 1 << 20

// readFile reads the scenario file at path. It refuses anything but a
// regular file, checking both before opening and on the opened file (the
// path may have been replaced in between), opens without blocking so that
// a named pipe cannot hang it, and reads at most MaxFileSize bytes.
// Problems are returned as an Error naming path.
func readFile(path string) ([]byte, *Error) {
	fail := func(msg string) ([]byte, *Error) { return nil, &Error{File: path, Msg: msg} }
	info, err := os.Stat(path)
	if err != nil {
		return fail(ioMessage(err))
	}
	if msg := notRegular(info.Mode()); msg != "" {
		return fail(msg)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fail(ioMessage(err))
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return fail(ioMessage(err))
	}
	if msg := notRegular(info.Mode()); msg != "" {
		return fail(msg)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return fail(ioMessage(err))
	}
	if len(data) > MaxFileSize {
		return fail(fmt.Sprintf("is larger than %d bytes (1 MiB), the limit for a scenario file", MaxFileSize))
	}
	return data, nil
}

// notRegular explains why a file of mode m cannot be a scenario file, or
// returns "" for a regular file.
func notRegular(m fs.FileMode) string {
	var what string
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a block device"
	case m&fs.ModeSymlink != 0:
		what = "a symbolic link"
	default:
		what = "a special file (" + m.Type().String() + ")"
	}
	return "is " + what + ", not a regular file"
}

// badBytes reports the first byte of data that cannot be in a scenario
// file: a NUL, a byte that is not valid UTF-8, or a control character that
// YAML forbids (anything below space but tab, newline and carriage
// return; DEL; C1 controls but U+0085). It records the problem at its line
// and column (in characters, from 1) and returns true, or returns false if
// data is clean. yaml.v3 would report these problems at line 1.
func (p *parser) badBytes(data []byte) bool {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		var msg string
		switch {
		case r == utf8.RuneError && size <= 1:
			msg = fmt.Sprintf("invalid UTF-8 (byte 0x%02x): a scenario file must be UTF-8 text", data[i])
		case r == 0:
			msg = "NUL byte: a scenario file must be text"
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f, r >= 0x80 && r < 0xa0 && r != 0x85:
			msg = fmt.Sprintf("control character %U is not allowed in a scenario file", r)
		}
		if msg != "" {
			p.add(line, col, "", "%s", msg)
			return true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return false
}
