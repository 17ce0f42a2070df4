package upstream

import "strings"

// ForgetResources drops what is cached for user under the resources that
// start with any of prefixes ("playlists" drops the playlist list), so the
// next read asks Spotify: after Euterpe itself changed what Spotify would
// answer. Other users' entries and the user's other resources stay.
func (c *Cache) ForgetResources(user string, prefixes ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, el := range c.entries {
		resource, ok := strings.CutPrefix(key, user+"\x00")
		if !ok {
			continue
		}
		for _, p := range prefixes {
			if strings.HasPrefix(resource, p) {
				c.lru.Remove(el)
				delete(c.entries, key)
				break
			}
		}
	}
}

// PlaylistsChanged forgets the user's playlist list and what was computed
// from it, once Euterpe has written a playlist to their account: the
// dashboard's playlist panel then shows it at once (in this process; others
// within their cache's TTL).
func (s *Source) PlaylistsChanged(user string) {
	s.cache.ForgetResources(user, "playlists", "json/top_playlists")
}
