package spotifysim

import (
	"archive/zip"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// The privacy export Spotify mails a user, written from the simulator's own
// record of what a listener played, so a demo (and the import's tests and
// benchmarks) can take the whole import flow: GET /_sim/export?listener=ID
// &format=extended|account&years=N is a zip laid out as Spotify's, streamed.
//
//   - extended: "Spotify Extended Streaming History/Streaming_History_Audio_Y1-Y2_N.json",
//     files of up to 15,000 rows, every field Spotify writes, with the short
//     listens Spotify records but does not count as plays (under 30 s);
//   - account: "Spotify Account Data/StreamingHistory_music_N.json" (endTime
//     to the minute, names only) and Userdata.json.

// exportRowsPerFile is how Spotify cuts a history into files.
const exportRowsPerFile = 15000

// maxExportYears bounds one export.
const maxExportYears = 15

// controlExport is GET /_sim/export.
func (s *Server) controlExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l := s.cat.listenerByID[q.Get("listener")]
	if l == nil {
		controlError(w, http.StatusNotFound, fmt.Sprintf("unknown listener %q", q.Get("listener")))
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "extended"
	}
	if format != "extended" && format != "account" {
		controlError(w, http.StatusBadRequest, `format must be "extended" or "account"`)
		return
	}
	years := 2
	if v := q.Get("years"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxExportYears {
			controlError(w, http.StatusBadRequest, fmt.Sprintf("years must be a whole number from 1 to %d", maxExportYears))
			return
		}
		years = n
	}
	end := s.now()
	start := end.AddDate(-years, 0, 0)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="my_spotify_data.zip"`)
	zw := zip.NewWriter(w)
	var err error
	if format == "extended" {
		err = s.writeExtendedExport(zw, l, start, end)
	} else {
		err = s.writeAccountExport(zw, l, start, end)
	}
	if err == nil {
		err = zw.Close()
	}
	_ = err // the client has the status already; a broken stream is its truncated zip
}

// exportPlays calls fn with each play of the listener in (start, end],
// oldest first.
func (s *Server) exportPlays(l *listenerState, start, end time.Time, fn func(p play) error) error {
	after, before := start.UnixMilli(), end.UnixMilli()
	for day := dayOf(after + 1); day <= dayOf(before); day++ {
		for _, p := range s.dayPlays(l, day) {
			if p.playedAt <= after || p.playedAt > before {
				continue
			}
			if err := fn(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileWriter writes JSON rows to the zip, a new file every
// exportRowsPerFile rows.
type fileWriter struct {
	zw   *zip.Writer
	name func(n int) string
	w    interface{ Write([]byte) (int, error) }
	rows int
	n    int
	b    jsonBuf
}

func (f *fileWriter) row(write func(b *jsonBuf)) error {
	if f.w == nil || f.rows == exportRowsPerFile {
		if err := f.close(); err != nil {
			return err
		}
		w, err := f.zw.Create(f.name(f.n))
		if err != nil {
			return err
		}
		f.w, f.rows = w, 0
		f.n++
		f.b.raw("[\n")
	} else {
		f.b.raw(",\n")
	}
	write(&f.b)
	f.rows++
	if f.b.Len() > 64<<10 {
		return f.flush()
	}
	return nil
}

func (f *fileWriter) flush() error {
	_, err := f.w.Write(f.b.Bytes())
	f.b.Reset()
	return err
}

func (f *fileWriter) close() error {
	if f.w == nil {
		return nil
	}
	f.b.raw("\n]\n")
	err := f.flush()
	f.w = nil
	return err
}

func (s *Server) writeExtendedExport(zw *zip.Writer, l *listenerState, start, end time.Time) error {
	fw := &fileWriter{zw: zw, name: func(n int) string {
		return fmt.Sprintf("Spotify Extended Streaming History/Streaming_History_Audio_%d-%d_%d.json", start.Year(), end.Year(), n)
	}}
	var prevEnd int64
	err := s.exportPlays(l, start, end, func(p play) error {
		began := p.playedAt - p.heardMS
		// Spotify's extended history also lists what was skipped within
		// seconds; there is room for one before this play.
		if gap := began - prevEnd; prevEnd > 0 && gap >= 10_000 && (p.playedAt/1000)%7 == 0 {
			skipped := l.topTracks[0][int(p.playedAt/1000)%len(l.topTracks[0])]
			heard := min(gap-2_000, 25_000)
			if err := fw.row(func(b *jsonBuf) { s.extendedRow(b, l, skipped, began-1_000, heard, "fwdbtn", true) }); err != nil {
				return err
			}
		}
		reasonEnd := "trackdone"
		if p.heardMS < int64(p.track.durationMS) {
			reasonEnd = "fwdbtn"
		}
		prevEnd = p.playedAt
		return fw.row(func(b *jsonBuf) { s.extendedRow(b, l, p.track, p.playedAt, p.heardMS, reasonEnd, false) })
	})
	if err != nil {
		return err
	}
	if err := fw.close(); err != nil {
		return err
	}
	w, err := zw.Create("Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf")
	if err != nil {
		return err
	}
	_, err = w.Write([]byte("%PDF-1.4\n% A simulated export: the real one explains every field.\n"))
	return err
}

// extendedRow writes one row of the extended streaming history.
func (s *Server) extendedRow(b *jsonBuf, l *listenerState, t *track, endedMS, heardMS int64, reasonEnd string, skipped bool) {
	ended := time.UnixMilli(endedMS).UTC()
	b.raw(`{"ts":`)
	b.str(ended.Format(time.RFC3339))
	b.raw(`,"username":`)
	b.str(l.id)
	b.raw(`,"platform":"Android OS 14 API 34 (Google, Pixel 8)","ms_played":`)
	b.int(heardMS)
	b.raw(`,"conn_country":`)
	b.str(l.country)
	b.raw(`,"ip_addr_decrypted":null,"user_agent_decrypted":"unknown","master_metadata_track_name":`)
	b.str(t.name)
	b.raw(`,"master_metadata_album_artist_name":`)
	b.str(t.album.artists[0].name)
	b.raw(`,"master_metadata_album_album_name":`)
	b.str(t.album.name)
	b.raw(`,"spotify_track_uri":`)
	b.str("spotify:track:" + t.id)
	b.raw(`,"episode_name":null,"episode_show_name":null,"spotify_episode_uri":null,"audiobook_title":null,` +
		`"audiobook_uri":null,"audiobook_chapter_uri":null,"audiobook_chapter_title":null,"reason_start":"trackdone","reason_end":`)
	b.str(reasonEnd)
	b.raw(`,"shuffle":false,"skipped":`)
	if skipped {
		b.raw("true")
	} else {
		b.raw("false")
	}
	b.raw(`,"offline":false,"offline_timestamp":`)
	b.int(ended.Unix())
	b.raw(`,"incognito_mode":false}`)
}

func (s *Server) writeAccountExport(zw *zip.Writer, l *listenerState, start, end time.Time) error {
	fw := &fileWriter{zw: zw, name: func(n int) string { return fmt.Sprintf("Spotify Account Data/StreamingHistory_music_%d.json", n) }}
	err := s.exportPlays(l, start, end, func(p play) error {
		return fw.row(func(b *jsonBuf) {
			b.raw(`{"endTime":`)
			b.str(time.UnixMilli(p.playedAt).UTC().Format("2006-01-02 15:04"))
			b.raw(`,"artistName":`)
			b.str(p.track.artists[0].name)
			b.raw(`,"trackName":`)
			b.str(p.track.name)
			b.raw(`,"msPlayed":`)
			b.int(p.heardMS)
			b.raw("}")
		})
	})
	if err != nil {
		return err
	}
	if err := fw.close(); err != nil {
		return err
	}
	w, err := zw.Create("Spotify Account Data/Userdata.json")
	if err != nil {
		return err
	}
	var b jsonBuf
	b.raw(`{"username":`)
	b.str(l.id)
	b.raw(`,"email":`)
	b.str(l.email)
	b.raw(`,"country":`)
	b.str(l.country)
	b.raw(`,"createdFromFacebook":false,"facebookUid":null,"birthdate":"1990-01-01","gender":"neutral","postalCode":null,"mobileNumber":null,"mobileOperator":null,"mobileBrand":null,"creationTime":"2012-01-01"}`)
	_, err = w.Write(b.Bytes())
	return err
}
