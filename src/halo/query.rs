//! Halo's list paging: `pageinate=true&page_size=N&page_no=P` (halo-api.md §3). Without
//! `pageinate` Halo ignores the other two and returns everything, so they only travel together.

/// One page of a Halo list, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
}

impl PageRequest {
    /// The first page of `page_size` records.
    pub fn first(page_size: u32) -> PageRequest {
        PageRequest { page: 1, page_size }
    }

    /// The query pairs that ask Halo for this page.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("pageinate", "true".into()),
            ("page_size", self.page_size.to_string()),
            ("page_no", self.page.to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_travels_with_pageinate() {
        let pairs = PageRequest {
            page: 2,
            page_size: 10,
        }
        .pairs();
        assert_eq!(
            pairs,
            vec![
                ("pageinate", "true".to_string()),
                ("page_size", "10".to_string()),
                ("page_no", "2".to_string()),
            ]
        );
        assert_eq!(PageRequest::first(50).page, 1);
    }
}
