//! The feed (docs/model/simulation.md §2.4): top-level posts and one vote record
//! per (voter, post). Core agents never reply, so the ranking key reduces to
//! net votes, with ties broken newest first (the wall-clock age term).
//! An actor is an agent index, or `None` for the reference's anonymous actor
//! `""` (actions built without an agent id, docs/model/adaptive-adversary-rlm.md §3.3).

use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Post {
    /// `None`: the anonymous author `""`.
    pub author: Option<usize>,
    pub upvotes: i64,
    pub downvotes: i64,
    /// The newest of this post's vote records in `Feed::votes` (a chain
    /// through `Vote::next`; `NO_VOTE` when none). A post gets a handful of
    /// voters, so walking the chain beats hashing, and no post owns an
    /// allocation.
    last_vote: u32,
    /// Weighted net votes (only with the `enforce_vote_normalization` fix).
    pub weighted: f64,
}

impl Post {
    pub fn net_votes(&self) -> i64 {
        self.upvotes - self.downvotes
    }
}

/// One (voter, post) vote record.
#[derive(Debug, Clone, Copy)]
struct Vote {
    voter: u32,
    up: bool,
    weight: f64,
    /// The post's previous record, or `NO_VOTE`.
    next: u32,
}

const NO_VOTE: u32 = u32::MAX;
/// The anonymous voter `""` in vote records (no agent has this index).
const ANONYMOUS: u32 = u32::MAX;

fn voter_key(voter: Option<usize>) -> u32 {
    voter.map_or(ANONYMOUS, |v| v as u32)
}

/// Posts in creation order plus the vote records.
#[derive(Debug, Default, Clone)]
pub struct Feed {
    pub posts: Vec<Post>,
    /// Every (voter, post) record, in the order first cast.
    votes: Vec<Vote>,
    /// `max_vote_weight_per_agent` when vote normalisation is enforced.
    normalize: Option<f64>,
    /// Votes recorded per voter (for normalisation).
    votes_cast: HashMap<u32, u32>,
    /// Incremental ranking: posts bucketed by net votes (bucket i holds net
    /// votes `min_net + i`), each bucket in creation order. Reading buckets
    /// from the highest down, each newest first, gives the reference's order
    /// without sorting the whole feed, and a reader that wants only the
    /// first post or the k-th reads no further.
    buckets: Vec<Vec<u32>>,
    min_net: i64,
    /// With vote normalisation (ranked by a sort): the cached top posts and
    /// whether a post or vote changed them since (recomputed when next read:
    /// most turns never look at the feed).
    weighted_top: RefCell<Vec<usize>>,
    dirty: Cell<bool>,
}

/// The posts an observation shows, best first (at most `VISIBLE_POSTS`).
pub enum VisiblePosts<'a> {
    /// Walking the net-vote buckets, highest first, newest first within one.
    Buckets {
        buckets: std::iter::Rev<std::slice::Iter<'a, Vec<u32>>>,
        bucket: std::iter::Rev<std::slice::Iter<'a, u32>>,
        left: usize,
    },
    /// The cached weighted ranking.
    Weighted {
        top: Ref<'a, Vec<usize>>,
        next: usize,
    },
}

impl Iterator for VisiblePosts<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            VisiblePosts::Buckets {
                buckets,
                bucket,
                left,
            } => {
                if *left == 0 {
                    return None;
                }
                loop {
                    if let Some(&idx) = bucket.next() {
                        *left -= 1;
                        return Some(idx as usize);
                    }
                    *bucket = buckets.next()?.iter().rev();
                }
            }
            VisiblePosts::Weighted { top, next } => {
                let idx = top.get(*next).copied();
                *next += 1;
                idx
            }
        }
    }
}

/// How many ranked posts an observation shows.
pub const VISIBLE_POSTS: usize = 20;

impl Feed {
    /// A feed whose ranking weights each vote by
    /// `1 / (1 + votes_cast / max_weight)` (the reference's unused helper).
    pub fn with_vote_normalization(max_weight: f64) -> Feed {
        Feed {
            normalize: Some(max_weight),
            ..Feed::default()
        }
    }

    /// Room for `posts` posts and `votes` vote records before growing (a
    /// run's feed grows from empty; reserving up front spares the doublings).
    pub fn reserve(&mut self, posts: usize, votes: usize) {
        self.posts.reserve(posts);
        self.votes.reserve(votes);
        self.buckets.reserve(16);
    }

    pub fn create_post(&mut self, author: Option<usize>) -> usize {
        self.posts.push(Post {
            author,
            upvotes: 0,
            downvotes: 0,
            last_vote: NO_VOTE,
            weighted: 0.0,
        });
        let idx = (self.posts.len() - 1) as u32;
        self.bucket_mut(0).push(idx); // the newest index: stays sorted
        self.dirty.set(true);
        self.posts.len() - 1
    }

    /// How many posts an observation shows.
    pub fn n_visible(&self) -> usize {
        self.posts.len().min(VISIBLE_POSTS)
    }

    /// The posts an observation shows, best first: by net votes descending,
    /// newest first among equals (by weighted votes with normalisation).
    pub fn visible(&self) -> VisiblePosts<'_> {
        if self.normalize.is_some() {
            if self.dirty.get() {
                self.rank_weighted(&mut self.weighted_top.borrow_mut());
                self.dirty.set(false);
            }
            return VisiblePosts::Weighted {
                top: self.weighted_top.borrow(),
                next: 0,
            };
        }
        VisiblePosts::Buckets {
            buckets: self.buckets.iter().rev(),
            bucket: [].iter().rev(),
            left: VISIBLE_POSTS,
        }
    }

    /// Unique (voter, post) vote records: the reference's `total_votes`.
    pub fn n_votes(&self) -> usize {
        self.votes.len()
    }

    /// The index of `voter`'s record on `post` in `votes`.
    fn find_vote(&self, post: &Post, voter: u32) -> Option<usize> {
        let mut at = post.last_vote;
        while at != NO_VOTE {
            let v = &self.votes[at as usize];
            if v.voter == voter {
                return Some(at as usize);
            }
            at = v.next;
        }
        None
    }

    /// Cast or flip a vote. A repeated identical vote changes nothing but
    /// still counts as a success, as in the reference.
    pub fn vote(&mut self, post: usize, voter: Option<usize>, up: bool) -> bool {
        let Some(p) = self.posts.get(post) else {
            return false;
        };
        let voter = voter_key(voter);
        let existing = self.find_vote(p, voter);
        let p = &mut self.posts[post];
        let sign = |up: bool| if up { 1.0 } else { -1.0 };
        let old_net = p.net_votes();
        match existing.map(|i| (i, self.votes[i].up, self.votes[i].weight)) {
            None => {
                if up {
                    p.upvotes += 1
                } else {
                    p.downvotes += 1
                }
                let weight = match self.normalize {
                    Some(max) => {
                        let cast = self.votes_cast.entry(voter).or_insert(0);
                        let w = 1.0 / (1.0 + *cast as f64 / max);
                        *cast += 1;
                        w
                    }
                    None => 1.0,
                };
                p.weighted += sign(up) * weight;
                self.votes.push(Vote {
                    voter,
                    up,
                    weight,
                    next: p.last_vote,
                });
                p.last_vote = (self.votes.len() - 1) as u32;
            }
            Some((i, old, weight)) if old != up => {
                if old {
                    p.upvotes -= 1;
                    p.downvotes += 1;
                } else {
                    p.downvotes -= 1;
                    p.upvotes += 1;
                }
                p.weighted += 2.0 * sign(up) * weight;
                self.votes[i].up = up;
            }
            Some(_) => return true,
        }
        let new_net = p.net_votes();
        if new_net != old_net {
            let idx = post as u32;
            let from = self.bucket_mut(old_net);
            if let Ok(pos) = from.binary_search(&idx) {
                from.remove(pos);
            }
            let to = self.bucket_mut(new_net);
            let pos = to.binary_search(&idx).unwrap_or_else(|e| e);
            to.insert(pos, idx);
        }
        self.dirty.set(true);
        true
    }

    fn bucket_mut(&mut self, net: i64) -> &mut Vec<u32> {
        if self.buckets.is_empty() {
            self.min_net = net;
        }
        if net < self.min_net {
            let extra = (self.min_net - net) as usize;
            self.buckets.splice(
                0..0,
                std::iter::repeat_with(|| Vec::with_capacity(8)).take(extra),
            );
            self.min_net = net;
        }
        let i = (net - self.min_net) as usize;
        if i >= self.buckets.len() {
            self.buckets.resize_with(i + 1, || Vec::with_capacity(8));
        }
        &mut self.buckets[i]
    }

    /// With normalisation: the first `VISIBLE_POSTS` posts by weighted
    /// votes descending, newest first among equals (a stable sort of a
    /// newest-first list), written into `out`.
    fn rank_weighted(&self, out: &mut Vec<usize>) {
        out.clear();
        out.extend((0..self.posts.len()).rev());
        out.sort_by(|&a, &b| {
            let (a, b) = (self.posts[a].weighted, self.posts[b].weighted);
            b.partial_cmp(&a).unwrap_or(std::cmp::Ordering::Equal)
        });
        out.truncate(VISIBLE_POSTS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_is_net_votes_then_newest() {
        let mut f = Feed::default();
        for a in 0..4 {
            f.create_post(Some(a));
        }
        f.vote(1, Some(9), true);
        f.vote(3, Some(9), false);
        assert_eq!(f.visible().collect::<Vec<_>>(), vec![1, 2, 0, 3]);
    }

    #[test]
    fn repeated_vote_is_success_without_new_record_and_flip_moves_counts() {
        let mut f = Feed::default();
        f.create_post(Some(0));
        assert!(f.vote(0, Some(1), true));
        assert!(f.vote(0, Some(1), true));
        assert_eq!(f.n_votes(), 1);
        assert!(f.vote(0, Some(1), false));
        assert_eq!((f.posts[0].upvotes, f.posts[0].downvotes), (0, 1));
        assert!(!f.vote(5, Some(1), true));
    }

    #[test]
    fn the_anonymous_voter_is_one_voter_apart_from_every_agent() {
        let mut f = Feed::default();
        f.create_post(None);
        assert_eq!(f.posts[0].author, None);
        assert!(f.vote(0, None, true));
        assert!(f.vote(0, None, true));
        assert!(f.vote(0, Some(0), true));
        assert_eq!((f.n_votes(), f.posts[0].upvotes), (2, 2));
    }

    #[test]
    fn incremental_ranking_equals_full_sort() {
        let mut f = Feed::default();
        let mut rng = crate::rng::PyRandom::new(3);
        for step in 0..400 {
            if step % 3 == 0 {
                f.create_post(Some(step % 5));
            } else if !f.posts.is_empty() {
                let post = rng.randbelow(f.posts.len());
                f.vote(post, Some(rng.randbelow(6)), rng.randbelow(3) > 0);
            }
            let fast: Vec<usize> = f.visible().collect();
            let mut full: Vec<usize> = (0..f.posts.len()).rev().collect();
            full.sort_by_key(|&i| std::cmp::Reverse(f.posts[i].net_votes()));
            full.truncate(VISIBLE_POSTS);
            assert_eq!(fast, full, "step {step}");
            assert_eq!(f.n_visible(), full.len());
            if let Some(k) = full.len().checked_sub(1) {
                assert_eq!(f.visible().nth(k), Some(full[k]));
            }
        }
    }

    #[test]
    fn normalised_votes_of_heavy_voters_count_less() {
        let mut f = Feed::with_vote_normalization(1.0);
        for a in 0..3 {
            f.create_post(Some(a));
        }
        // Voter 7 votes on post 0 first (weight 1) then post 1 (weight 1/2);
        // voter 8's first vote on post 2 weighs 1: post 2 outranks post 1.
        f.vote(0, Some(7), true);
        f.vote(1, Some(7), true);
        f.vote(2, Some(8), true);
        assert_eq!(f.visible().collect::<Vec<_>>(), vec![2, 0, 1]);
        f.create_post(Some(4));
        assert_eq!(f.visible().collect::<Vec<_>>(), vec![2, 0, 1, 3]);
        assert_eq!(f.posts[1].weighted, 0.5);
    }
}
