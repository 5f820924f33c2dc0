//! `cargo run -p vmware-cpn-mock -- --port 8080`: serves the mock from the command line.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::{CommandFactory, Parser};
use vmware_cpn_mock::{Config, FindingKind, MockServer};

/// A stateful fake of the CPHub/Navigator and VCPP APIs, seeded from specs/*.yaml.
#[derive(Parser)]
#[command(version)]
struct Arguments {
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long)]
    token_lifetime: Option<u64>,
    /// The refresh token the CSP exchange accepts.
    #[arg(long)]
    refresh_token: Option<String>,
    /// Seed this many more tenants of the provider (a provider at scale).
    #[arg(long, default_value_t = 0)]
    tenants: usize,
    /// Make the CSV usage report this many rows long, streamed.
    #[arg(long)]
    usage_report_rows: Option<u64>,
    /// Make every success answer of OPERATION depart from its spec in one way, KIND:
    /// undeclared-property, unknown-enum-value, wrong-type, missing-required,
    /// undeclared-status or undeclared-content-type (repeatable; one kind per operation).
    #[arg(long = "drift", value_name = "OPERATION=KIND", value_parser = drift)]
    drift: Vec<(String, FindingKind)>,
    /// Log every injected fault and connection error.
    #[arg(long)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match serve().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vmware-cpn-mock: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let arguments = Arguments::parse();
    tracing_subscriber::fmt()
        .with_max_level(if arguments.verbose {
            tracing::Level::DEBUG
        } else {
            tracing::Level::INFO
        })
        .init();
    let mut config = Config::default().tenants(arguments.tenants);
    if let Some(rows) = arguments.usage_report_rows {
        config = config.usage_report_rows(rows);
    }
    if let Some(seconds) = arguments.token_lifetime {
        config = config.token_lifetime(Duration::from_secs(seconds));
    }
    if let Some(token) = arguments.refresh_token {
        config = config.refresh_token(token);
    }
    let mock = MockServer::bind(SocketAddr::new(arguments.host, arguments.port), config).await?;
    for (operation, kind) in &arguments.drift {
        // Whether the operation can show the kind is known from the specs the mock embeds: a
        // drift it refuses is a usage error, as one clap refuses is.
        if let Err(message) = mock.drift(operation, *kind) {
            Arguments::command()
                .error(
                    clap::error::ErrorKind::ValueValidation,
                    format!(
                        "invalid value '{operation}={kind}' for '--drift <OPERATION=KIND>': {message}"
                    ),
                )
                .exit();
        }
    }
    println!("mock serving on {}", mock.base_url());
    println!("  CPHub/Navigator base URL: {}", mock.base_url());
    println!("  VCPP base URL:            {}", mock.vcpp_base_url());
    println!("  CSP token URL:            {}", mock.csp_token_url());
    println!("  VCPP token URL:           {}", mock.vcpp_token_url());
    println!("  VCPP token server:        {}", mock.vcpp_token_root());
    println!("  provider organization:    {}", mock.provider_org());
    println!("  refresh token:            {}", mock.refresh_token());
    println!(
        "  VCPP client credentials:  {} / {}",
        mock.vcpp_client_id(),
        mock.vcpp_client_secret()
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// `--drift OPERATION=KIND`: the kind by its name in findings.
fn drift(value: &str) -> Result<(String, FindingKind), String> {
    let (operation, kind) = value
        .split_once('=')
        .ok_or_else(|| "expected OPERATION=KIND, such as list_tenants=wrong-type".to_owned())?;
    if operation.is_empty() {
        return Err("the operation is missing before '='".to_owned());
    }
    let known = kind
        .parse::<FindingKind>()
        .ok()
        .filter(|kind| MockServer::DRIFT_KINDS.contains(kind));
    let Some(kind) = known else {
        let names: Vec<&str> = MockServer::DRIFT_KINDS.iter().map(|k| k.as_str()).collect();
        return Err(format!(
            "no kind of drift {kind:?}; one of {}",
            names.join(", ")
        ));
    };
    Ok((operation.to_owned(), kind))
}
