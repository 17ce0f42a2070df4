package scrobbles

// Maloja's export (maloja/proccontrol/tasks/export.py in krateng/maloja)
// is json.dump({'maloja': {'export_time': …}, 'scrobbles': get_scrobbles()},
// indent=3), each scrobble its canonical dict (maloja/database/sqldb.py):
//
//	{"time": 1612128840, "track": {"artists": ["…", …], "title": "…",
//	 "album": {"albumtitle": "…", "artists": [...]} or null, "length": seconds or null},
//	 "duration": seconds heard or null, "origin": "client:…"}
//
// Maloja's own importer (parse_maloja) and ListenBrainz's (listens_importer/
// maloja.py) read the same fields. time is the scrobble's, so the start of
// the play.

type malojaScrobble struct {
	Time  num `json:"time"`
	Track *struct {
		Artists names `json:"artists"`
		Title   text  `json:"title"`
		Album   *struct {
			AlbumTitle text `json:"albumtitle"`
			Name       text `json:"name"` // multi-scrobbler's reading of older versions
		} `json:"album"`
		Length num `json:"length"`
	} `json:"track"`
	Duration num `json:"duration"`
}

func (f *File) maloja(s *malojaScrobble) (Listen, error) {
	l := Listen{Precise: true}
	var err error
	if l.StartedAt, err = f.unix("time", s.Time); err != nil {
		return l, err
	}
	t := s.Track
	if t == nil {
		return l, f.fail("track is missing")
	}
	l.Track, l.Artists = t.Title.String(), t.Artists
	if len(l.Artists) > 0 {
		l.Artist = l.Artists[0]
	}
	if a := t.Album; a != nil {
		if l.Album = a.AlbumTitle.String(); l.Album == "" {
			l.Album = a.Name.String()
		}
	}
	l.DurationMS, l.PlayedMS = ms(t.Length, 1000), ms(s.Duration, 1000)
	return l, f.check(&l)
}
