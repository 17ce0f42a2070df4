package scrobbles

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// ListenBrainz's user export (listenbrainz/background/export.py in
// metabrainz/listenbrainz-server, since 2024) is a zip of user.json,
// listens/YYYY/M.jsonl (the month unpadded), feedback.jsonl and
// pinned_recording.jsonl. Each line of a listens file is PostgreSQL's
// jsonb_build_object(...)::text, so its keys come sorted by length and
// listened_at is extract(epoch …), a number with a fraction:
//
//	{"inserted_at": 1612128900.123456, "listened_at": 1612128840.000000, "track_metadata": {
//	  "artist_name": …, "track_name": …, "release_name": …, "recording_msid": …,
//	  "additional_info": {…}, "mbid_mapping": {"recording_mbid": …, "artists": [{…}], …} or null}}
//
// Before that, "Export listens" streamed one JSON list of the API's listens
// (Listen.to_api: track_metadata, listened_at in whole seconds,
// recording_msid, user_name, inserted_at) as username_lb-YYYY-MM-DD.json.
//
// additional_info holds what the submitting client sent (docs/users/json.rst
// lists the usual fields): duration_ms or duration (seconds),
// duration_played (seconds), spotify_id (a track URL), isrc,
// recording_mbid, and from ListenBrainz's own Spotify importer
// artist_names, every credited artist.

type lbListen struct {
	ListenedAt    num `json:"listened_at"`
	TrackMetadata *struct {
		ArtistName     text `json:"artist_name"`
		TrackName      text `json:"track_name"`
		ReleaseName    text `json:"release_name"`
		AdditionalInfo struct {
			DurationMS     num   `json:"duration_ms"`
			Duration       num   `json:"duration"`
			DurationPlayed num   `json:"duration_played"`
			SpotifyID      text  `json:"spotify_id"`
			OriginURL      text  `json:"origin_url"`
			ISRC           text  `json:"isrc"`
			RecordingMBID  text  `json:"recording_mbid"`
			ArtistNames    names `json:"artist_names"`
		} `json:"additional_info"`
		MBIDMapping *struct {
			RecordingMBID text `json:"recording_mbid"`
		} `json:"mbid_mapping"`
	} `json:"track_metadata"`
}

func (f *File) listenBrainz(li *lbListen) (Listen, error) {
	l := Listen{Precise: true}
	var err error
	if l.StartedAt, err = f.unix("listened_at", li.ListenedAt); err != nil {
		return l, err
	}
	tm := li.TrackMetadata
	if tm == nil {
		return l, f.fail("track_metadata is missing")
	}
	ai := &tm.AdditionalInfo
	l.Track, l.Artist, l.Album = tm.TrackName.String(), tm.ArtistName.String(), tm.ReleaseName.String()
	l.Artists = ai.ArtistNames
	if l.DurationMS = ms(ai.DurationMS, 1); l.DurationMS < 0 {
		l.DurationMS = ms(ai.Duration, 1000)
	}
	l.PlayedMS = ms(ai.DurationPlayed, 1000)
	if l.SpotifyID = spotifyTrackID(ai.SpotifyID.String()); l.SpotifyID == "" {
		l.SpotifyID = spotifyTrackID(ai.OriginURL.String())
	}
	l.ISRC = isrc(ai.ISRC.String())
	// The client's own id first; else the one ListenBrainz mapped it to.
	if l.RecordingMBID = mbid(ai.RecordingMBID.String()); l.RecordingMBID == "" && tm.MBIDMapping != nil {
		l.RecordingMBID = mbid(tm.MBIDMapping.RecordingMBID.String())
	}
	return l, f.check(&l)
}

// nextJSONL reads the next line of a listens/YYYY/M.jsonl. A line longer
// than the reader's buffer (maxRow) is an error, found without reading it
// whole.
func (f *File) nextJSONL() (Listen, error) {
	for {
		line, err := f.br.ReadSlice('\n')
		switch {
		case err == bufio.ErrBufferFull:
			f.line++
			return Listen{}, f.fail("a line is longer than %d kB", maxRow>>10)
		case err != nil && err != io.EOF:
			return Listen{}, err
		case len(line) == 0:
			return Listen{}, io.EOF
		}
		f.line++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var li lbListen
		if err := json.Unmarshal(line, &li); err != nil {
			return Listen{}, f.fail("not a ListenBrainz listen (%v)", err)
		}
		return f.listenBrainz(&li)
	}
}
