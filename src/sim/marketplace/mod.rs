//! The bounty marketplace (docs/model/markets.md §A): the reference's
//! `Marketplace` and its handler in one place. Agents post bounties (each
//! creates a task), bid on others' bounties, and posters accept a bid,
//! which puts the bid amount in escrow and assigns the task. The marketplace
//! draws nothing; it only moves resources (a bounty's reward at posting, a
//! refund when an open bounty expires) and decides which actions succeed.
//! Escrows never settle in a YAML-driven run: nothing calls the settlement.

mod tasks;

pub use tasks::{TaskPool, TaskView};

use crate::scenario::{MarketplaceConfig, RateLimits};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BountyStatus {
    Open,
    Awarded,
    Disputed,
    Completed,
    Failed,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BidStatus {
    Pending,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EscrowStatus {
    Held,
    Released,
    Refunded,
    Partial,
}

#[derive(Debug, Clone)]
struct Bounty {
    poster: usize,
    task: usize,
    reward: f64,
    min_reputation: f64,
    deadline: Option<u32>,
    status: BountyStatus,
    /// Its bids, in placement order.
    bids: Vec<usize>,
}

impl Bounty {
    fn past_deadline(&self, epoch: u32) -> bool {
        self.deadline.is_some_and(|d| epoch >= d)
    }
}

#[derive(Debug, Clone)]
struct Bid {
    bounty: usize,
    bidder: usize,
    amount: f64,
    status: BidStatus,
}

#[derive(Debug, Clone)]
struct Escrow {
    bounty: usize,
    poster: usize,
    worker: usize,
    amount: f64,
    status: EscrowStatus,
}

#[derive(Debug, Clone)]
struct Dispute {
    escrow: usize,
    filed_epoch: u32,
    open: bool,
}

/// Per-agent marketplace counters for the epoch (the reference's
/// `bounties_used`, `bids_used`, `tasks_used`).
#[derive(Debug, Clone, Copy, Default)]
struct Used {
    bounties: i64,
    bids: i64,
    tasks: i64,
}

/// One `available_bounties` entry as agents read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BountyView {
    pub id: usize,
    pub reward: f64,
}

/// One `pending_bid_decisions` entry: a pending bid on one of the
/// observer's open bounties.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BidView {
    pub bid: usize,
    pub bounty: usize,
    pub amount: f64,
}

/// What an agent sees of the marketplace on its turn (its observation's
/// marketplace and task fields; the ones no agent reads are left out).
#[derive(Debug, Clone, Default)]
pub struct MarketView {
    /// Open bounties of others before their deadline that the observer's
    /// reputation qualifies for, creation order.
    pub bounties: Vec<BountyView>,
    /// Pending bids on the observer's open bounties (bounties in posting
    /// order, bids in placement order).
    pub bid_decisions: Vec<BidView>,
    /// Held escrows the observer is a party to.
    pub escrows: Vec<usize>,
    /// Claimable tasks, highest bounty first, at most 10.
    pub tasks: Vec<TaskView>,
    /// The first task the observer claimed and has not submitted.
    pub active_task: Option<usize>,
    pub can_claim_task: bool,
}

impl MarketView {
    /// The cheapest pending bid (the first of equals, as Python's `min`).
    pub fn cheapest_bid(&self) -> Option<BidView> {
        self.bid_decisions
            .iter()
            .copied()
            .reduce(|best, b| if b.amount < best.amount { b } else { best })
    }

    /// The visible bounty with the highest reward (the first of equals,
    /// as Python's `max`).
    pub fn richest_bounty(&self) -> Option<BountyView> {
        self.bounties
            .iter()
            .copied()
            .reduce(|best, b| if b.reward > best.reward { b } else { best })
    }

    /// The task every core type claims: the list is sorted by bounty, and
    /// each type's own ranking (bounty over difficulty, all tasks medium;
    /// first easy-or-medium; bounty) keeps that order.
    pub fn best_task(&self) -> Option<usize> {
        self.tasks.first().map(|t| t.id)
    }
}

pub struct Marketplace {
    cfg: MarketplaceConfig,
    bounties_per_epoch: i64,
    bids_per_epoch: i64,
    tasks_per_epoch: i64,
    bounties: Vec<Bounty>,
    /// The open bounties' ids, ascending: what a turn's observation scans
    /// (a bounty leaves it when awarded or expired, and never comes back).
    open: Vec<usize>,
    bids: Vec<Bid>,
    escrows: Vec<Escrow>,
    disputes: Vec<Dispute>,
    /// Per agent: bounties it posted, posting order.
    posted: Vec<Vec<usize>>,
    /// Per agent: escrows it is a party to, creation order.
    escrows_of: Vec<Vec<usize>>,
    used: Vec<Used>,
    pub tasks: TaskPool,
    /// The observation fields, rebuilt for each turn.
    view: MarketView,
}

impl Marketplace {
    pub fn new(cfg: &MarketplaceConfig, limits: &RateLimits, n_agents: usize) -> Marketplace {
        Marketplace {
            cfg: cfg.clone(),
            bounties_per_epoch: limits.bounties_per_epoch,
            bids_per_epoch: limits.bids_per_epoch,
            tasks_per_epoch: limits.tasks_per_epoch,
            bounties: Vec::new(),
            open: Vec::new(),
            bids: Vec::new(),
            escrows: Vec::new(),
            disputes: Vec::new(),
            posted: vec![Vec::new(); n_agents],
            escrows_of: vec![Vec::new(); n_agents],
            used: vec![Used::default(); n_agents],
            tasks: TaskPool::new(n_agents),
            view: MarketView::default(),
        }
    }

    /// The observation fields of `agent` (live reputation `reputation`),
    /// with the task pool's side effect of expiring overdue tasks.
    pub fn observe(&mut self, agent: usize, reputation: f64, epoch: u32) -> &MarketView {
        let v = &mut self.view;
        v.bounties.clear();
        let bounties = &self.bounties;
        v.bounties.extend(
            self.open
                .iter()
                .map(|&id| (id, &bounties[id]))
                .filter(|(_, b)| {
                    debug_assert!(b.status == BountyStatus::Open);
                    !b.past_deadline(epoch) && b.min_reputation <= reputation && b.poster != agent
                })
                .map(|(id, b)| BountyView {
                    id,
                    reward: b.reward,
                }),
        );
        v.bid_decisions.clear();
        for &bounty in &self.posted[agent] {
            let b = &self.bounties[bounty];
            if b.status != BountyStatus::Open {
                continue;
            }
            v.bid_decisions.extend(
                b.bids
                    .iter()
                    .filter(|&&bid| self.bids[bid].status == BidStatus::Pending)
                    .map(|&bid| BidView {
                        bid,
                        bounty,
                        amount: self.bids[bid].amount,
                    }),
            );
        }
        v.escrows.clear();
        v.escrows.extend(
            self.escrows_of[agent]
                .iter()
                .copied()
                .filter(|&e| self.escrows[e].status == EscrowStatus::Held),
        );
        self.tasks.claimable(reputation, epoch, &mut v.tasks);
        v.active_task = self.tasks.first_active(agent);
        v.can_claim_task = self.used[agent].tasks < self.tasks_per_epoch;
        &self.view
    }

    /// `POST_BOUNTY`. The task is created before the minimum is checked, so
    /// a bounty below `min_bounty_amount` leaves an orphan task behind.
    pub fn post_bounty(
        &mut self,
        agent: usize,
        reward: f64,
        min_reputation: f64,
        deadline: Option<u32>,
        resources: &mut [f64],
    ) -> bool {
        if self.used[agent].bounties >= self.bounties_per_epoch || resources[agent] < reward {
            return false;
        }
        let deadline = deadline.filter(|&d| d != 0);
        let task = self.tasks.create(reward, min_reputation, deadline);
        if reward < self.cfg.min_bounty_amount {
            return false;
        }
        let id = self.bounties.len();
        self.bounties.push(Bounty {
            poster: agent,
            task,
            reward,
            min_reputation,
            deadline,
            status: BountyStatus::Open,
            bids: Vec::new(),
        });
        self.open.push(id);
        self.posted[agent].push(id);
        resources[agent] += -reward;
        self.used[agent].bounties += 1;
        true
    }

    /// `PLACE_BID`; the failures in the reference's order.
    pub fn place_bid(&mut self, agent: usize, bounty: usize, amount: f64) -> bool {
        if self.used[agent].bids >= self.bids_per_epoch {
            return false;
        }
        let Some(b) = self.bounties.get(bounty) else {
            return false;
        };
        if b.status != BountyStatus::Open || amount > b.reward || amount <= 0.0 || agent == b.poster
        {
            return false;
        }
        let pending = |bid: &&usize| self.bids[**bid].status == BidStatus::Pending;
        if b.bids.iter().filter(pending).count() as i64 >= self.cfg.max_bids_per_bounty {
            return false;
        }
        if b.bids
            .iter()
            .filter(pending)
            .any(|&bid| self.bids[bid].bidder == agent)
        {
            return false;
        }
        let id = self.bids.len();
        self.bids.push(Bid {
            bounty,
            bidder: agent,
            amount,
            status: BidStatus::Pending,
        });
        self.bounties[bounty].bids.push(id);
        self.used[agent].bids += 1;
        true
    }

    /// `ACCEPT_BID` by the poster: escrow the bid amount, award the bounty,
    /// reject the other pending bids, and assign the task to the worker
    /// (silently not, if it is taken or the worker's reputation is too low;
    /// this claim uses none of the worker's task allowance).
    pub fn accept_bid(
        &mut self,
        agent: usize,
        bounty: usize,
        bid: usize,
        reputation: &[f64],
    ) -> bool {
        let Some(b) = self.bounties.get(bounty) else {
            return false;
        };
        if b.poster != agent || b.status != BountyStatus::Open {
            return false;
        }
        match self.bids.get(bid) {
            Some(x) if x.bounty == bounty && x.status == BidStatus::Pending => {}
            _ => return false,
        }
        let (worker, amount) = (self.bids[bid].bidder, self.bids[bid].amount);
        let escrow = self.escrows.len();
        self.escrows.push(Escrow {
            bounty,
            poster: agent,
            worker,
            amount,
            status: EscrowStatus::Held,
        });
        self.bounties[bounty].status = BountyStatus::Awarded;
        if let Ok(at) = self.open.binary_search(&bounty) {
            self.open.remove(at);
        }
        self.bids[bid].status = BidStatus::Accepted;
        for &other in &self.bounties[bounty].bids {
            if self.bids[other].status == BidStatus::Pending {
                self.bids[other].status = BidStatus::Rejected;
            }
        }
        self.escrows_of[agent].push(escrow);
        self.escrows_of[worker].push(escrow);
        let task = self.bounties[bounty].task;
        self.tasks.claim(task, worker, reputation[worker]);
        true
    }

    /// `CLAIM_TASK` (counts against `tasks_per_epoch` only when it succeeds;
    /// the limit itself is only shown to the agent as `can_claim_task`).
    pub fn claim_task(&mut self, agent: usize, task: usize, reputation: f64) -> bool {
        let ok = self.tasks.claim(task, agent, reputation);
        if ok {
            self.used[agent].tasks += 1;
        }
        ok
    }

    /// `SUBMIT_OUTPUT`.
    pub fn submit_output(&mut self, agent: usize, task: usize) -> bool {
        self.tasks.submit(task, agent)
    }

    /// `FILE_DISPUTE` on a held escrow, by one of its parties, when no
    /// dispute on it is open.
    pub fn file_dispute(&mut self, agent: usize, escrow: usize, epoch: u32) -> bool {
        let Some(e) = self.escrows.get(escrow) else {
            return false;
        };
        if e.status != EscrowStatus::Held || (agent != e.poster && agent != e.worker) {
            return false;
        }
        if self.disputes.iter().any(|d| d.escrow == escrow && d.open) {
            return false;
        }
        self.disputes.push(Dispute {
            escrow,
            filed_epoch: epoch,
            open: true,
        });
        self.bounties[e.bounty].status = BountyStatus::Disputed;
        true
    }

    /// The handler's epoch end: expire open bounties past their deadline
    /// (rejecting their bids) and refund their posters, one addition per
    /// bounty in creation order; then resolve disputes that are old enough
    /// with the default split. The epoch's counters start over.
    pub fn on_epoch_end(&mut self, epoch: u32, resources: &mut [f64]) {
        if self.cfg.auto_expire_bounties {
            let mut expired = Vec::new();
            for (id, b) in self.bounties.iter_mut().enumerate() {
                if b.status == BountyStatus::Open && b.past_deadline(epoch) {
                    b.status = BountyStatus::Expired;
                    for &bid in &b.bids {
                        if self.bids[bid].status == BidStatus::Pending {
                            self.bids[bid].status = BidStatus::Rejected;
                        }
                    }
                    expired.push(id);
                }
            }
            if !expired.is_empty() {
                let bounties = &self.bounties;
                self.open
                    .retain(|&id| bounties[id].status == BountyStatus::Open);
            }
            for id in expired {
                let b = &self.bounties[id];
                resources[b.poster] += b.reward;
            }
        }
        for d in 0..self.disputes.len() {
            let dispute = &self.disputes[d];
            let age = i64::from(epoch) - i64::from(dispute.filed_epoch);
            if dispute.open && age >= self.cfg.dispute_resolution_epochs {
                self.resolve_dispute(d, self.cfg.dispute_default_split, resources);
            }
        }
        self.used.iter_mut().for_each(|u| *u = Used::default());
    }

    /// `resolve_dispute`: split the escrow less the fee, credit both parties.
    fn resolve_dispute(&mut self, d: usize, share: f64, resources: &mut [f64]) {
        let share = share.clamp(0.0, 1.0);
        self.disputes[d].open = false;
        let e = &mut self.escrows[self.disputes[d].escrow];
        let fee = e.amount * self.cfg.escrow_fee_rate;
        let distributable = e.amount - fee;
        let worker_amount = distributable * share;
        let poster_amount = distributable * (1.0 - share);
        e.status = if share >= 0.99 {
            EscrowStatus::Released
        } else if share <= 0.01 {
            EscrowStatus::Refunded
        } else {
            EscrowStatus::Partial
        };
        self.bounties[e.bounty].status = if share > 0.5 {
            BountyStatus::Completed
        } else {
            BountyStatus::Failed
        };
        resources[e.worker] += worker_amount;
        resources[e.poster] += poster_amount;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market(min: f64) -> Marketplace {
        let cfg = MarketplaceConfig {
            min_bounty_amount: min,
            max_bids_per_bounty: 2,
            ..MarketplaceConfig::default()
        };
        Marketplace::new(&cfg, &RateLimits::default(), 4)
    }

    /// marketplace_economy seed 1, epoch 0 (traced from the reference):
    /// honest_1 posts 13.35…, honest_2 bids, honest_3 claims the task,
    /// deceptive_1 bids lower, honest_1 accepts deceptive_1's bid; the
    /// worker's claim fails silently because honest_3 holds the task.
    #[test]
    fn accepted_bid_escrows_and_its_claim_may_fail_silently() {
        let (h1, h2, h3, d1) = (0, 1, 2, 3);
        let mut m = market(1.0);
        let mut res = vec![100.0; 4];
        let rep = vec![0.0; 4];
        let reward = 13.354988781294496;
        assert!(m.post_bounty(h1, reward, 0.0, None, &mut res));
        assert_eq!(res[h1], 100.0 - reward);
        assert!(m.observe(h1, 0.0, 0).bounties.is_empty());
        let seen = m.observe(h2, 0.0, 0).clone();
        assert_eq!(seen.bounties, [BountyView { id: 0, reward }]);
        assert_eq!(seen.best_task(), Some(0));
        assert!(m.place_bid(h2, 0, 11.425103089860329));
        assert!(!m.place_bid(h2, 0, 11.0), "one pending bid per bidder");
        assert!(m.claim_task(h3, 0, rep[h3]));
        assert!(m.place_bid(d1, 0, 9.477465076071129));
        let own = m.observe(h1, 0.0, 0).clone();
        let best = own.cheapest_bid().unwrap();
        assert_eq!((best.bid, best.amount), (1, 9.477465076071129));
        assert!(m.accept_bid(h1, best.bounty, best.bid, &rep));
        assert_eq!(m.tasks.tasks[0].claimed_by, Some(h3));
        assert_eq!(m.observe(d1, 0.0, 0).escrows, [0]);
        assert!(m.observe(h2, 0.0, 0).bounties.is_empty());
        // Awarded: no refund at epoch end; the reward is gone for good.
        m.on_epoch_end(0, &mut res);
        assert_eq!(res[h1], 100.0 - reward);
    }

    #[test]
    fn expired_bounties_are_refunded_at_the_end_of_their_deadline_epoch() {
        let mut m = market(2.0);
        let mut res = vec![100.0; 4];
        // Below the minimum: fails, but its task stays claimable.
        assert!(!m.post_bounty(3, 1.5, 0.0, Some(1), &mut res));
        assert_eq!(res[3], 100.0);
        assert_eq!(m.observe(0, 0.0, 0).tasks.len(), 1);
        assert!(m.post_bounty(3, 3.8, 0.0, Some(1), &mut res));
        assert_eq!(m.observe(0, 0.0, 0).bounties.len(), 1);
        assert!(m.observe(0, 0.0, 1).bounties.is_empty());
        assert!(m.observe(0, -0.1, 0).bounties.is_empty());
        m.on_epoch_end(0, &mut res);
        assert_eq!(res[3], 100.0 - 3.8);
        m.on_epoch_end(1, &mut res);
        assert_eq!(res[3], 100.0 - 3.8 + 3.8);
    }

    #[test]
    fn rate_limits_and_bid_caps() {
        let mut m = market(1.0);
        let mut res = vec![100.0; 4];
        for _ in 0..3 {
            assert!(m.post_bounty(0, 5.0, 0.0, None, &mut res));
        }
        assert!(!m.post_bounty(0, 5.0, 0.0, None, &mut res), "3 per epoch");
        assert!(!m.place_bid(0, 0, 1.0), "own bounty");
        assert!(!m.place_bid(1, 0, 5.5), "above the reward");
        assert!(!m.place_bid(1, 0, 0.0));
        assert!(m.place_bid(1, 0, 4.0));
        assert!(m.place_bid(2, 0, 4.0));
        assert!(!m.place_bid(3, 0, 4.0), "max 2 pending bids");
        m.on_epoch_end(0, &mut res);
        assert!(m.post_bounty(0, 5.0, 0.0, None, &mut res));
    }

    #[test]
    fn disputes_resolve_with_the_default_split_after_their_epochs() {
        let mut m = market(1.0);
        let mut res = vec![100.0; 4];
        m.post_bounty(0, 10.0, 0.0, None, &mut res);
        m.place_bid(1, 0, 8.0);
        assert!(m.accept_bid(0, 0, 0, &[0.0; 4]));
        assert!(!m.file_dispute(2, 0, 0), "not a party");
        assert!(m.file_dispute(1, 0, 0));
        assert!(!m.file_dispute(0, 0, 0), "one open dispute");
        m.on_epoch_end(1, &mut res);
        assert_eq!(res[1], 100.0);
        m.on_epoch_end(2, &mut res);
        let half = (8.0 - 8.0 * 0.02) * 0.5;
        assert_eq!(res[1], 100.0 + half);
        assert_eq!(res[0], 90.0 + (8.0 - 8.0 * 0.02) * (1.0 - 0.5));
        assert!(m.observe(1, 0.0, 2).escrows.is_empty());
    }
}
