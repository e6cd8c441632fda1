//! The spawn tree (docs/model/perturbations-rbac-spawn.md §2.3, §3.3, §4.9;
//! docs/model/tierra-awm-memory-negotiation-rivals.md §T.4.5): every registered agent
//! is a node (the initial ones roots); `can_spawn` gates a spawn by depth,
//! children, the global cap, resources and cooldown. Only tierra agents
//! ever spawn; with other types the tree changes nothing.

use crate::scenario::coerce::{at_least, Rule, UNIT};
use crate::scenario::schema::{modelled, read, Field};

/// The `spawn:` settings (a pydantic model, lax), with the reference's
/// defaults. `enabled` decides whether the tree is built at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub enabled: bool,
    pub spawn_cost: f64,
    pub max_depth: i64,
    pub max_children: i64,
    pub max_total_spawned: i64,
    pub reputation_inheritance_factor: f64,
    pub initial_child_resources: f64,
    pub min_resources_to_spawn: f64,
    pub spawn_cooldown_steps: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            enabled: true,
            spawn_cost: 10.0,
            max_depth: 3,
            max_children: 3,
            max_total_spawned: 50,
            reputation_inheritance_factor: 0.5,
            initial_child_resources: 50.0,
            min_resources_to_spawn: 20.0,
            spawn_cooldown_steps: 5,
        }
    }
}

/// The section's keys. `attribution_mode` (an enum, checked by the
/// reader), `propagation_fraction`, `depth_noise_per_level` and the cascade
/// flags are validated but read by no code path of a run.
pub static FIELDS: &[Field<Config>] = &[
    modelled!(enabled, Bool),
    modelled!(spawn_cost, Float, Rule::Any),
    modelled!(max_depth, Int, at_least(0)),
    modelled!(max_children, Int, at_least(0)),
    modelled!(max_total_spawned, Int, at_least(0)),
    read!(propagation_fraction, Float, UNIT),
    modelled!(reputation_inheritance_factor, Float, UNIT),
    modelled!(initial_child_resources, Float, Rule::Any),
    read!(depth_noise_per_level, Float, Rule::Any),
    read!(cascade_ban, Bool, Rule::Any),
    read!(cascade_freeze, Bool, Rule::Any),
    modelled!(min_resources_to_spawn, Float, Rule::Any),
    modelled!(spawn_cooldown_steps, Int, Rule::Any),
];

/// The attribution modes the reference knows (lower-cased before the check).
pub const ATTRIBUTION_MODES: &[&str] = &["leaf_only", "propagate_up", "root_absorbs"];

#[derive(Debug, Clone, Copy)]
struct Node {
    depth: i64,
    children: i64,
    /// The global step of its last spawn; −1 before the first.
    last_spawn_step: i64,
}

/// The tree: one node per agent, in registration order.
#[derive(Debug, Clone)]
pub struct Tree {
    cfg: Config,
    nodes: Vec<Node>,
    total_spawned: i64,
    /// The run-wide spawn counter (child ids and child stream seeds).
    pub counter: i64,
}

impl Tree {
    pub fn new(cfg: &Config, n_roots: usize) -> Tree {
        let root = Node {
            depth: 0,
            children: 0,
            last_spawn_step: -1,
        };
        Tree {
            cfg: cfg.clone(),
            nodes: vec![root; n_roots],
            total_spawned: 0,
            counter: 0,
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// `can_spawn(parent, global_step, resources)`, in the reference's
    /// order of checks (no node is ever banned).
    pub fn can_spawn(&self, parent: usize, global_step: i64, resources: f64) -> bool {
        let c = &self.cfg;
        let Some(node) = self.nodes.get(parent) else {
            return false;
        };
        if node.depth >= c.max_depth
            || node.children >= c.max_children
            || self.total_spawned >= c.max_total_spawned
            || resources < c.min_resources_to_spawn
            || resources < c.spawn_cost
        {
            return false;
        }
        !(node.last_spawn_step >= 0 && global_step - node.last_spawn_step < c.spawn_cooldown_steps)
    }

    /// A node's depth (0 for the initial agents).
    pub fn depth(&self, agent: usize) -> i64 {
        self.nodes[agent].depth
    }

    /// Register `parent`'s new child (the next node).
    pub fn register_spawn(&mut self, parent: usize, global_step: i64) {
        let depth = self.nodes[parent].depth + 1;
        self.nodes.push(Node {
            depth,
            children: 0,
            last_spawn_step: -1,
        });
        let p = &mut self.nodes[parent];
        p.children += 1;
        p.last_spawn_step = global_step;
        self.total_spawned += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn can_spawn_follows_the_caps_and_the_cooldown() {
        let mut t = Tree::new(&Config::default(), 2);
        assert!(t.can_spawn(0, 0, 20.0));
        assert!(!t.can_spawn(0, 0, 19.9), "min resources");
        t.register_spawn(0, 3);
        assert!(!t.can_spawn(0, 7, 100.0), "cooldown: 4 < 5 steps");
        assert!(t.can_spawn(0, 8, 100.0));
        assert!(t.can_spawn(2, 8, 100.0), "the child, depth 1");
        t.register_spawn(2, 8);
        t.register_spawn(3, 8);
        assert!(!t.can_spawn(4, 20, 100.0), "depth 3 reached");
        assert!(!t.can_spawn(5, 20, 100.0), "no such node");
    }
}
