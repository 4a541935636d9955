//! The assessment as a stream: conversations come in from a reader thread, are analysed on every
//! core, and their facts go out in conversation order to the caller (who writes the fact table) and
//! into the [`Tally`]. Channels are bounded, so a reader far ahead of the analysis waits instead of
//! filling memory.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, sync_channel};

use rapport_analysis::{Engine, Scratch};
use rapport_channels::importers::Conversation;

use super::tally::Tally;
use super::{AssessOptions, ConversationFacts, conversation_facts};

/// Conversations are handed to the workers in batches of about this many messages: large enough
/// that the channels cost nothing, small enough to keep both cores busy to the end.
const BATCH_MESSAGES: usize = 4096;

/// Assesses `conversations` (numbered by [`Conversation::seq`] 0, 1, 2 … in the order the fact table
/// lists them; they may arrive in any order). `each` gets every conversation's facts in that order.
/// The first error of the source or of `each` stops the assessment and is returned.
pub fn assess_stream<I, E>(
    conversations: I,
    engine: &Engine,
    options: &AssessOptions,
    mut each: impl FnMut(&ConversationFacts) -> Result<(), E>,
) -> Result<Tally, E>
where
    I: Iterator<Item = Result<Conversation, E>> + Send,
    E: Send,
{
    let hours = options.business_hours.as_ref().map(|(_, h)| h);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    let (work_tx, work_rx) = sync_channel::<Vec<Conversation>>(workers * 4);
    let (done_tx, done_rx) = sync_channel::<Vec<(usize, ConversationFacts)>>(workers * 4);
    // The workers share one queue of batches.
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Result<(), E> {
            let (mut batch, mut messages) = (Vec::new(), 0);
            for c in conversations {
                let c = c?;
                messages += c.messages.len();
                batch.push(c);
                if messages >= BATCH_MESSAGES {
                    messages = 0;
                    if work_tx.send(std::mem::take(&mut batch)).is_err() {
                        // The analysis stopped (the caller's error is on its way back).
                        return Ok(());
                    }
                }
            }
            if !batch.is_empty() {
                let _ = work_tx.send(batch);
            }
            Ok(())
        });
        for _ in 0..workers {
            let (done_tx, work_rx) = (done_tx.clone(), &work_rx);
            scope.spawn(move || {
                let mut scratch = Scratch::default();
                while let Some(batch) = next_batch(work_rx) {
                    let facts = batch
                        .into_iter()
                        .map(|mut c| {
                            // Stable: equal times keep file order.
                            c.messages.sort_by_key(|m| m.at);
                            (c.seq, conversation_facts(&c.messages, engine, hours, &mut scratch))
                        })
                        .collect();
                    if done_tx.send(facts).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        // Facts come back in whatever order the workers finish; hold the early ones until their
        // predecessors are in.
        let mut tally = Tally::default();
        let mut pending: BTreeMap<usize, ConversationFacts> = BTreeMap::new();
        let mut next = 0usize;
        let mut put = |f: &ConversationFacts| -> Result<(), E> {
            each(f)?;
            tally.add(f);
            Ok(())
        };
        let mut outcome = Ok(());
        'collect: for batch in done_rx.iter() {
            for (seq, f) in batch {
                if seq == next {
                    if let Err(e) = put(&f) {
                        outcome = Err(e);
                        break 'collect;
                    }
                    next += 1;
                } else {
                    pending.insert(seq, f);
                }
            }
            while let Some(f) = pending.remove(&next) {
                if let Err(e) = put(&f) {
                    outcome = Err(e);
                    break 'collect;
                }
                next += 1;
            }
        }
        // Unblocks the workers and the reader if the caller's `each` failed.
        drop(done_rx);
        // Numbers the source skipped (none, from the readers here) leave the rest in order.
        if outcome.is_ok() {
            outcome = pending.values().try_for_each(&mut put);
        }
        // A panic in the reader is a bug: re-raise it rather than report a partial assessment.
        let read = reader.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        outcome?;
        read?;
        Ok(tally)
    })
}

/// The next batch for a worker; `None` when the reader is done (or a worker panicked holding the lock).
fn next_batch(rx: &Mutex<Receiver<Vec<Conversation>>>) -> Option<Vec<Conversation>> {
    rx.lock().ok()?.recv().ok()
}
