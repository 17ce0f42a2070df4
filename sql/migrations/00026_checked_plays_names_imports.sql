-- +goose Up
-- The import pipeline is its own package now (imports.Importer): the
-- comment on the duplicate check names where the switch is set.
COMMENT ON FUNCTION euterpe.plays_skip_duplicate() IS
'The same listen stored once: a play of the same user and track that ended within euterpe.same_listen_window() of one already stored is not inserted again (euterpe.same_listen); whoever met it again (a poll, another import) is recorded in euterpe.play_holders. It stands aside (its trigger''s WHEN) while the transaction-local setting euterpe.checked_plays is ''on'': only an import''s merge sets it (imports.Importer, queries EnableCheckedPlays/DisableCheckedPlays), in the transaction that does the same check itself for all its rows at once and records their holders; set_config(..., true) ends it with that transaction.';

-- +goose Down
COMMENT ON FUNCTION euterpe.plays_skip_duplicate() IS
'The same listen stored once: a play of the same user and track that ended within 30 seconds of one already stored is not inserted again; whoever met it again (a poll, another import) is recorded in euterpe.play_holders. It stands aside (its trigger''s WHEN) while the transaction-local setting euterpe.checked_plays is ''on'': only an import''s merge sets it (history.Importer, queries EnableCheckedPlays/DisableCheckedPlays), in the transaction that does the same check itself for all its rows at once and records their holders; set_config(..., true) ends it with that transaction.';
