//! The task pool a marketplace feeds (docs/model/markets.md §A.3, §A.5.4):
//! every posted bounty creates a task, which agents claim (directly, or
//! through an accepted bid) and submit. Nothing verifies a submission, so a
//! task's story ends there.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Open,
    Claimed,
    Submitted,
    /// Past its deadline, noticed while building an observation.
    Expired,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub bounty: f64,
    pub min_reputation: f64,
    /// `None` also for a deadline of 0 (the reference tests truthiness).
    pub deadline: Option<u32>,
    pub status: TaskStatus,
    pub claimed_by: Option<usize>,
}

impl Task {
    fn past_deadline(&self, epoch: u32) -> bool {
        self.deadline.is_some_and(|d| epoch >= d)
    }
}

/// Tasks in creation order (ids are indices).
#[derive(Debug, Clone, Default)]
pub struct TaskPool {
    pub tasks: Vec<Task>,
    /// Open tasks, creation order. The reference keeps a set of uuid
    /// strings, but agents only see it sorted by bounty (ties never occur
    /// with drawn rewards; creation order breaks them here).
    open: Vec<usize>,
    /// Per agent: the tasks it claimed, in claim order.
    by_agent: Vec<Vec<usize>>,
}

impl TaskPool {
    pub fn new(n_agents: usize) -> TaskPool {
        TaskPool {
            tasks: Vec::new(),
            open: Vec::new(),
            by_agent: vec![Vec::new(); n_agents],
        }
    }

    pub fn create(&mut self, bounty: f64, min_reputation: f64, deadline: Option<u32>) -> usize {
        let id = self.tasks.len();
        self.tasks.push(Task {
            bounty,
            min_reputation,
            deadline: deadline.filter(|&d| d != 0),
            status: TaskStatus::Open,
            claimed_by: None,
        });
        self.open.push(id);
        id
    }

    /// `claim_task`: open and `reputation >= min_reputation`. The deadline
    /// is not checked here (the observation hid expired tasks).
    pub fn claim(&mut self, task: usize, agent: usize, reputation: f64) -> bool {
        let Some(t) = self.tasks.get_mut(task) else {
            return false;
        };
        if t.status != TaskStatus::Open || reputation < t.min_reputation {
            return false;
        }
        t.status = TaskStatus::Claimed;
        t.claimed_by = Some(agent);
        self.open.retain(|&o| o != task);
        self.by_agent[agent].push(task);
        true
    }

    /// `SUBMIT_OUTPUT`: succeeds for the claimer, whatever the status.
    pub fn submit(&mut self, task: usize, agent: usize) -> bool {
        match self.tasks.get_mut(task) {
            Some(t) if t.claimed_by == Some(agent) => {
                t.status = TaskStatus::Submitted;
                true
            }
            _ => false,
        }
    }

    /// `get_claimable_tasks`: expire open tasks past their deadline (a side
    /// effect of every observation), then the open ones `reputation` may
    /// claim, highest bounty first, at most 10, into `out`.
    pub fn claimable(&mut self, reputation: f64, epoch: u32, out: &mut Vec<TaskView>) {
        let tasks = &mut self.tasks;
        self.open.retain(|&id| {
            let t = &mut tasks[id];
            if t.past_deadline(epoch) {
                t.status = TaskStatus::Expired;
                false
            } else {
                true
            }
        });
        out.clear();
        out.extend(
            self.open
                .iter()
                .map(|&id| (id, &self.tasks[id]))
                .filter(|(_, t)| t.min_reputation <= reputation)
                .map(|(id, t)| TaskView {
                    id,
                    bounty: t.bounty,
                }),
        );
        // Stable, descending.
        out.sort_by(|a, b| {
            b.bounty
                .partial_cmp(&a.bounty)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        out.truncate(10);
    }

    /// The first of `agent`'s claimed tasks still being worked on.
    pub fn first_active(&self, agent: usize) -> Option<usize> {
        self.by_agent[agent]
            .iter()
            .copied()
            .find(|&id| self.tasks[id].status == TaskStatus::Claimed)
    }
}

/// One `available_tasks` entry as agents read it (all marketplace tasks are
/// of medium difficulty and need no reputation, so the bounty orders them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskView {
    pub id: usize,
    pub bounty: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observation_expires_and_sorts_claims_check_only_status_and_reputation() {
        let mut pool = TaskPool::new(2);
        let a = pool.create(3.0, 0.0, Some(1));
        let b = pool.create(12.0, 0.0, None);
        let c = pool.create(7.5, 0.0, Some(0)); // 0 = no deadline
        let mut out = Vec::new();
        pool.claimable(0.0, 0, &mut out);
        assert_eq!(out.iter().map(|t| t.id).collect::<Vec<_>>(), [b, c, a]);
        // A negative reputation sees nothing (min_reputation 0 > rep).
        pool.claimable(-0.01, 0, &mut out);
        assert!(out.is_empty());
        pool.claimable(0.0, 1, &mut out);
        assert_eq!(pool.tasks[a].status, TaskStatus::Expired);
        assert!(!pool.claim(a, 0, 0.0));
        assert!(!pool.claim(b, 0, -0.5));
        assert!(pool.claim(b, 0, 0.0));
        assert!(!pool.claim(b, 1, 0.0));
        assert_eq!(pool.first_active(0), Some(b));
        assert!(!pool.submit(b, 1));
        assert!(pool.submit(b, 0));
        assert_eq!(pool.first_active(0), None);
    }
}
