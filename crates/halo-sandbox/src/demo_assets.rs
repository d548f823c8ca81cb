//! The demo assets: laptops, desktops, phones and servers for the demo customers (Ben Castle's
//! laptop first), with the asset types they belong to. Ticket links live on the tickets
//! (`asset_ids`, see [`super::demo_tickets`]).

use super::model::{Asset, AssetType};

pub const ASSETTYPE_LAPTOP: i64 = 1;
pub const ASSETTYPE_DESKTOP: i64 = 2;
pub const ASSETTYPE_SERVER: i64 = 3;
pub const ASSETTYPE_PHONE: i64 = 4;
pub const ASSETTYPE_NETWORK: i64 = 5;

/// Ben Castle's laptop.
pub const BEN_LAPTOP_ASSET_ID: i64 = 1;
/// Acorn's file server (the "Backup job failed on ACORN-FS01" ticket).
pub const ACORN_FS01_ASSET_ID: i64 = 4;

pub fn asset_types() -> Vec<AssetType> {
    [
        (ASSETTYPE_LAPTOP, "Laptop", 1, "End-user devices"),
        (ASSETTYPE_DESKTOP, "Desktop", 1, "End-user devices"),
        (ASSETTYPE_SERVER, "Server", 2, "Infrastructure"),
        (ASSETTYPE_PHONE, "Desk Phone", 1, "End-user devices"),
        (ASSETTYPE_NETWORK, "Network Device", 2, "Infrastructure"),
    ]
    .iter()
    .map(|&(id, name, group, group_name)| AssetType {
        id,
        name: name.into(),
        assetgroup_id: group,
        assetgroup_name: group_name.into(),
    })
    .collect()
}

/// (tag, name, type, client, site, users, model)
type Row = (
    &'static str,
    &'static str,
    i64,
    i64,
    i64,
    &'static [i64],
    &'static str,
);

pub fn assets() -> Vec<Asset> {
    #[rustfmt::skip]
    let rows: &[Row] = &[
        ("ACN-0001", "ACORN-LT-BCASTLE", ASSETTYPE_LAPTOP, 1, 1, &[1], "Dell Latitude 7440"),
        ("ACN-0002", "ACORN-LT-ASTONE", ASSETTYPE_LAPTOP, 1, 2, &[2], "Lenovo ThinkPad T14"),
        ("ACN-0003", "ACORN-DT-MFLINT", ASSETTYPE_DESKTOP, 1, 1, &[3], "HP EliteDesk 800"),
        ("ACN-0004", "ACORN-FS01", ASSETTYPE_SERVER, 1, 1, &[], "Dell PowerEdge R350"),
        ("ACN-0005", "ACORN-YARD-PHONE-01", ASSETTYPE_PHONE, 1, 2, &[2], "Yealink T54W"),
        ("BRL-0001", "BIRCH-SQL02", ASSETTYPE_SERVER, 2, 3, &[], "HPE ProLiant DL380"),
        ("BRL-0002", "BIRCH-LT-HPRICE", ASSETTYPE_LAPTOP, 2, 3, &[4], "Dell Latitude 5440"),
        ("BRL-0003", "BIRCH-WAP-AISLE3", ASSETTYPE_NETWORK, 2, 3, &[], "Ubiquiti U6 Pro"),
        ("CDH-0001", "CEDAR-RECEPTION-PC", ASSETTYPE_DESKTOP, 3, 4, &[7], "Lenovo ThinkCentre M70q"),
        ("CDH-0002", "CEDAR-LT-MPATEL", ASSETTYPE_LAPTOP, 3, 4, &[6], "Microsoft Surface Laptop 5"),
        ("DNR-0001", "DUNE-TILL-01", ASSETTYPE_DESKTOP, 4, 5, &[8], "Epos Now Till"),
        ("DNR-0002", "DUNE-LT-ZPARK-OLD", ASSETTYPE_LAPTOP, 4, 5, &[8], "Dell Latitude 5400"),
    ];
    rows.iter()
        .zip(1..)
        .map(
            |(&(tag, name, kind, client, site, users, model), id)| Asset {
                id,
                inventory_number: tag.into(),
                key_field: name.into(),
                assettype_id: kind,
                client_id: client,
                site_id: site,
                user_ids: users.to_vec(),
                // Zoe's old laptop has been retired: only listed with includeinactive.
                inactive: name.ends_with("-OLD"),
                fields: vec![("Model".into(), model.into())],
            },
        )
        .collect()
}
