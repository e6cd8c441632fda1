//! An ascending list of run indices: the runs a process takes, the runs it
//! has left. A whole sweep's list is a count, not a 100k-entry vector.

/// Run indices, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunList {
    /// `0..n`.
    All(usize),
    /// These.
    Some(Vec<usize>),
}

impl RunList {
    pub fn len(&self) -> usize {
        match self {
            RunList::All(n) => *n,
            RunList::Some(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k`-th index.
    pub fn get(&self, k: usize) -> Option<usize> {
        match self {
            RunList::All(n) => (k < *n).then_some(k),
            RunList::Some(v) => v.get(k).copied(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).map(|k| self.get(k).expect("k < len"))
    }

    pub fn to_vec(&self) -> Vec<usize> {
        self.iter().collect()
    }
}

impl From<Vec<usize>> for RunList {
    fn from(mut v: Vec<usize>) -> RunList {
        debug_assert!(v.windows(2).all(|w| w[0] < w[1]), "ascending");
        v.shrink_to_fit();
        RunList::Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_and_some_read_alike() {
        let all = RunList::All(4);
        let some = RunList::from(vec![0, 1, 2, 3]);
        assert_eq!(all.to_vec(), some.to_vec());
        assert_eq!(all.get(3), Some(3));
        assert_eq!(all.get(4), None);
        assert_eq!(RunList::from(vec![2, 5]).get(1), Some(5));
        assert!(RunList::All(0).is_empty());
    }
}
